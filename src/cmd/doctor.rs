//! `boocoder doctor`: is everything a turn needs in place, and if not, what
//! to do about it.

use anyhow::Result;
use boocoder::Exit;
use boocoder::doctor::{DoctorRequest, Level, Report};
use clap::Args;

use super::{Context, Format, provider_table};

#[derive(Debug, Args)]
#[command(after_help = "\
Checks, in this order: opencode (where it was found, its version, the tested \
version 1.18.33), llama-swap (reachable, its models, whether default_model is \
among them), the database (reachable, migrations), git (version), the kept \
server (running, healthy, same settings), worktrees (count, disk used, ones \
whose directory is gone) and each ACP agent (installed?, its entry in the \
cached snapshot of --cwd). Each is ok, warn or fail, with a one-line fix. \
Nothing is created, migrated, probed or started.

--format json prints {\"checks\":[{\"name\",\"status\",\"summary\",\"fix\",\
\"details\"}],\"ok\",\"warn\",\"fail\"}; ndjson one {\"type\":\"check\",...} line per \
check, then {\"type\":\"summary\",\"ok\",\"warn\",\"fail\"}.

Exit 0 when no check fails (warnings included), 1 when one does.")]
pub struct DoctorArgs {
    /// The directory whose cached provider snapshot is read [default: current directory]
    #[arg(long, value_name = "DIR")]
    pub cwd: Option<std::path::PathBuf>,
}

pub async fn run(ctx: &Context, args: &DoctorArgs) -> Result<Exit> {
    let probe = provider_table::request(ctx, args.cwd.as_deref(), false)?;
    let req = DoctorRequest {
        config: probe.config,
        env: probe.env,
        cwd: probe.cwd,
    };
    let report = boocoder::doctor::run(&req).await;
    let counts = Counts {
        ok: report.count(Level::Ok),
        warn: report.count(Level::Warn),
        fail: report.count(Level::Fail),
    };
    match ctx.out.format {
        Format::Json => {
            let doc = DoctorRecord {
                checks: &report.checks,
                counts: &counts,
            };
            ctx.out.record("doctor", &doc)?;
        }
        Format::Ndjson => {
            for c in &report.checks {
                ctx.out.record("check", c)?;
            }
            ctx.out.record("summary", &counts)?;
        }
        Format::Text => ctx.out.stdout(&text(ctx, &report))?,
    }
    Ok(if report.failed() { Exit::No } else { Exit::Ok })
}

fn text(ctx: &Context, report: &Report) -> String {
    let width = report
        .checks
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    for c in &report.checks {
        let status = format!("{:<4}", c.status.as_str());
        let status = match c.status {
            Level::Ok => ctx.out.style(&status, "32"),
            Level::Warn => ctx.out.style(&status, "33"),
            Level::Fail => ctx.out.style(&status, "31"),
        };
        s.push_str(&format!("{status}  {:<width$}  {}\n", c.name, c.summary));
        if let Some(fix) = &c.fix {
            s.push_str(&format!("{:<4}  {:<width$}  fix: {fix}\n", "", ""));
        }
    }
    let (w, f) = (report.count(Level::Warn), report.count(Level::Fail));
    s.push_str(&format!(
        "{} ok, {} with a warning, {} failed\n",
        report.count(Level::Ok),
        w,
        f
    ));
    s
}

/// How many checks ended at each level (the `summary` ndjson line).
#[derive(serde::Serialize)]
struct Counts {
    ok: usize,
    warn: usize,
    fail: usize,
}

/// The `doctor` document (json): the checks and the counts.
#[derive(serde::Serialize)]
struct DoctorRecord<'a> {
    checks: &'a [boocoder::doctor::Check],
    #[serde(flatten)]
    counts: &'a Counts,
}
