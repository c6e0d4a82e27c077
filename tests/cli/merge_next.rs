//! What a session works on after `session merge --remove`: its next turn
//! makes a worktree on the branch it was merged into (that branch's tip),
//! not on its old base nor the repository's HEAD, and `session show` says
//! so before the turn. Real turns (the fake ACP agent), real git, on SQLite
//! and on PostgreSQL.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::fake_acp::FakeAgents;
use crate::land::{CanonOrSelf, Db};
use crate::support::{PgSchema, Run, TestEnv, git, git_repo};

struct Rig {
    env: TestEnv,
    fake: FakeAgents,
    db: Db,
    repo: PathBuf,
}

impl Rig {
    /// A repository on `main` with a branch `feature` one commit ahead
    /// (feature.txt), and session s1 (the fake agent as `gemini`) on `main`.
    fn new(db: Db) -> Rig {
        let env = TestEnv::new();
        let fake = FakeAgents::new(&env);
        fake.install("gemini");
        env.write_config("lease_seconds = 3\n");
        let repo = git_repo(&env.path().join("repo").canonicalize_or_self());
        git(&repo, &["branch", "-M", "main"]);
        git(&repo, &["checkout", "-q", "-b", "feature"]);
        std::fs::write(repo.join("feature.txt"), "feature\n").unwrap();
        git(&repo, &["add", "feature.txt"]);
        git(&repo, &["commit", "-q", "-m", "feature"]);
        git(&repo, &["checkout", "-q", "main"]);
        let rig = Rig {
            env,
            fake,
            db,
            repo,
        };
        rig.run(&[
            "session",
            "new",
            "s1",
            "--repo",
            rig.repo.to_str().unwrap(),
            "--agent",
            "gemini",
        ])
        .expect(0);
        rig
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.fake.cmd(&self.env);
        cmd.args(args);
        if let Some(s) = &self.db.schema {
            cmd.args(["--db", &s.url]);
        }
        self.env.run_with(&mut cmd)
    }

    /// One turn of s1 whose agent writes `file`.
    fn turn_writing(&self, file: &str) {
        self.fake.script(json!({"gemini": {"turn": [
            {"write": file, "content": format!("{file}\n")},
            {"text": "done\n"}
        ]}}));
        self.run(&["session", "prompt", "s1", &format!("write {file}")])
            .expect(0);
    }

    fn show(&self) -> Value {
        self.run(&["session", "show", "s1", "--json"])
            .expect(0)
            .json()
    }

    fn pending(&self) -> Vec<String> {
        let v = self
            .run(&["session", "changes", "s1", "--json"])
            .expect(0)
            .json();
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    }

    fn tip(&self, branch: &str) -> String {
        git(&self.repo, &["rev-parse", branch])
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".git")
        .collect();
    names.sort();
    names
}

/// Merged into `feature`, which is not the repository's HEAD (main).
fn merged_into_another_branch(db: Db) {
    let rig = Rig::new(db);
    rig.turn_writing("one.txt");
    assert_eq!(rig.pending(), ["one.txt"]);
    rig.run(&["session", "merge", "s1", "--into", "feature", "--remove"])
        .expect(0);
    assert_eq!(git(&rig.repo, &["branch", "--show-current"]), "main");

    // Before the next turn, show says what its worktree will be made from.
    let show = rig.show();
    assert_eq!(show["worktree"], Value::Null, "{show}");
    assert_eq!(show["next_worktree_base"], "feature", "{show}");
    let text = rig.run(&["session", "show", "s1"]).expect(0).stdout;
    assert!(
        text.contains(
            "worktree: none now (the next turn makes one on branch boocoder/s1 from \
branch feature, which it was merged into)"
        ),
        "{text}"
    );

    // The next turn works on feature's tip: the merged work and feature's
    // own file are there, and only the new turn's file is pending.
    let feature = rig.tip("feature");
    rig.turn_writing("two.txt");
    let show = rig.show();
    assert_eq!(show["worktree"]["base_commit"], feature.as_str(), "{show}");
    assert_eq!(show["next_worktree_base"], Value::Null, "{show}");
    let wt = PathBuf::from(show["worktree"]["path"].as_str().unwrap());
    assert_eq!(
        files(&wt),
        ["README.md", "feature.txt", "one.txt", "two.txt"]
    );
    assert_eq!(rig.pending(), ["two.txt"]);

    // And it lands on feature again (now its base's branch, the default)
    // as a fast-forward.
    let merged = rig
        .run(&["session", "merge", "s1", "--json"])
        .expect(0)
        .json();
    assert_eq!(merged["branch"], "feature", "{merged}");
    assert_eq!(merged["kind"], "fast-forward", "{merged}");
    assert_eq!(merged["old_commit"], feature.as_str(), "{merged}");
}

#[test]
fn after_merge_remove_into_another_branch_the_next_turn_starts_from_it_sqlite() {
    merged_into_another_branch(Db { schema: None });
}

#[test]
fn after_merge_remove_into_another_branch_the_next_turn_starts_from_it_postgres() {
    merged_into_another_branch(Db {
        schema: Some(PgSchema::new()),
    });
}

/// Squashed (the session branch is kept, its commits not in the target)
/// into the repository's current branch: the next turn shows only its own
/// work as pending, and the kept branch's commits stay.
fn squashed_into_the_current_branch(db: Db) {
    let rig = Rig::new(db);
    rig.turn_writing("one.txt");
    let merged = rig
        .run(&["session", "merge", "s1", "--squash", "--remove", "--json"])
        .expect(0)
        .json();
    assert_eq!(merged["branch"], "main", "{merged}");
    let kept = merged["branch_tip"].as_str().unwrap().to_string();
    assert!(merged["branch_kept"].is_string(), "{merged}");
    assert_eq!(rig.show()["next_worktree_base"], "main");

    let main = rig.tip("main");
    rig.turn_writing("two.txt");
    let show = rig.show();
    assert_eq!(show["worktree"]["base_commit"], main.as_str(), "{show}");
    let wt = PathBuf::from(show["worktree"]["path"].as_str().unwrap());
    assert_eq!(files(&wt), ["README.md", "one.txt", "two.txt"]);
    assert_eq!(rig.pending(), ["two.txt"]);
    let diff = rig
        .run(&["worktree", "diff", "s1", "--json"])
        .expect(0)
        .json();
    let paths: Vec<&str> = diff["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["two.txt"], "{diff}");
    // The kept commits are still on the session branch.
    git(
        &rig.repo,
        &["merge-base", "--is-ancestor", &kept, "boocoder/s1"],
    );

    // Squashed again: main gets the new file only, as one more commit.
    rig.run(&["session", "merge", "s1", "--squash", "--remove"])
        .expect(0);
    assert_eq!(
        git(&rig.repo, &["diff", "--name-only", &main, "main"]),
        "two.txt"
    );
    // rm says what is true of the kept branch: it has commits no other
    // branch has (and nothing of whether boocoder made it).
    let rm = rig.run(&["session", "rm", "s1"]).expect(0);
    assert!(!rm.stderr.contains("did not create"), "{}", rm.stderr);
}

#[test]
fn after_merge_squash_remove_the_next_turn_shows_only_its_own_work_sqlite() {
    squashed_into_the_current_branch(Db { schema: None });
}

#[test]
fn after_merge_squash_remove_the_next_turn_shows_only_its_own_work_postgres() {
    squashed_into_the_current_branch(Db {
        schema: Some(PgSchema::new()),
    });
}
