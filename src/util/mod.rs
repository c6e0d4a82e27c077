//! Small helpers shared across modules: the file lock, process groups,
//! blocking work, durations, the host name and the process's signals.

mod blocking;
pub mod duration;
mod host;
pub mod lock;
pub mod process;
pub mod signals;

pub use blocking::blocking;
pub use duration::{parse_age, parse_duration};
pub use host::hostname;
pub use process::signal_group;

/// A stable 64-bit FNV-1a hash as hex: for fingerprints that must not change
/// between builds (std's hasher may).
pub fn fnv1a_hex(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The first `at_most` of `names`, comma-separated, and how many more
/// there are: how error messages list files and paths.
pub fn names_shown(names: &[String], at_most: usize) -> String {
    let mut s = names
        .iter()
        .take(at_most)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > at_most {
        s.push_str(&format!(" and {} more", names.len() - at_most));
    }
    s
}

/// `1 file`, `2 files`, `0 files`: a count with its word, pluralised.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_shown_says_how_many_more() {
        let names: Vec<String> = ["a", "b", "c"].map(String::from).into();
        assert_eq!(names_shown(&names, 3), "a, b, c");
        assert_eq!(names_shown(&names, 2), "a, b and 1 more");
        assert_eq!(names_shown(&[], 2), "");
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a_hex(""), "cbf29ce484222325");
        assert_eq!(fnv1a_hex("a"), "af63dc4c8601ec8c");
    }
}
