//! Durations written by people: `30s`, `15m`, `12h`, `7d`, `2w`.

use std::time::Duration;

/// Parse an age like `30s`, `15m`, `12h`, `7d` or `2w` (a bare number is seconds).
pub fn parse_age(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not an age like 30m, 12h, 7d or 2w"))?;
    let secs = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "unknown unit `{unit}` in `{s}`: use s, m, h, d or w"
            ));
        }
    };
    Ok(Duration::from_secs(n.saturating_mul(secs)))
}

/// The longest duration a setting or timeout takes: 365 days. Longer ones
/// would overflow the stored milliseconds and the clocks' arithmetic.
pub const MAX_SECONDS: u64 = 365 * 86_400;

/// A timeout: an age as [`parse_age`] reads it, at least one second and at
/// most [`MAX_SECONDS`].
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = parse_age(s)?;
    if d.is_zero() {
        return Err("the timeout must be at least 1 second".into());
    }
    if d.as_secs() > MAX_SECONDS {
        return Err(format!(
            "the timeout must be at most 365 days ({MAX_SECONDS} s)"
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_timeouts() {
        assert_eq!(parse_age("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_age(" 2w "), Ok(Duration::from_secs(14 * 86_400)));
        assert_eq!(
            parse_age("3y"),
            Err("unknown unit `y` in `3y`: use s, m, h, d or w".into())
        );
        assert_eq!(parse_age("0m"), Ok(Duration::ZERO));
        assert_eq!(
            parse_duration("0m"),
            Err("the timeout must be at least 1 second".into())
        );
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("365d"), Ok(Duration::from_secs(MAX_SECONDS)));
        assert!(parse_duration("366d").is_err());
    }
}
