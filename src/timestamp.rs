//! Time, in one place: the stored form (milliseconds since the Unix epoch,
//! [`now_ms`]) and the one timestamp form of boocoder's JSON, RFC 3339 in
//! UTC with milliseconds (`2026-12-01T15:51:40.123Z`). The serde adapters
//! turn stored times into that form on the way out (and read either form
//! back, so cached JSON stays readable).

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serializer};

/// Milliseconds since the Unix epoch: how every timestamp is stored.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `ms` since the epoch as an RFC 3339 UTC timestamp (second precision).
pub fn format_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// `ms` (since the Unix epoch) as RFC 3339 UTC with milliseconds.
pub fn rfc3339(ms: i64) -> String {
    let secs = format_utc(ms);
    let frac = ms.rem_euclid(1000);
    match secs.strip_suffix('Z') {
        Some(s) => format!("{s}.{frac:03}Z"),
        None => secs,
    }
}

/// Now as RFC 3339 UTC with milliseconds.
pub fn now() -> String {
    rfc3339(now_ms())
}

/// Milliseconds since the Unix epoch of an RFC 3339 time
/// (`YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`); `None` when it is not one.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, m, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b[13] != b':' || b[16] != b':' || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut rest = &s[19..];
    let mut ms = 0;
    if let Some(f) = rest.strip_prefix('.') {
        let n = f.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let digits = format!("{:0<3}", &f[..n.min(3)]);
        ms = digits.parse::<i64>().ok()?;
        rest = &f[n..];
    }
    let offset_min = match rest {
        "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && &o[3..4] == ":" => {
            let v = o[1..3].parse::<i64>().ok()? * 60 + o[4..6].parse::<i64>().ok()?;
            if o.starts_with('-') { -v } else { v }
        }
        _ => return None,
    };
    // Days since 1970-01-01 from a civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + m * 60 + sec - offset_min * 60;
    Some(secs * 1000 + ms)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Either {
    Ms(i64),
    Text(String),
}

impl Either {
    fn ms<E: serde::de::Error>(self) -> Result<i64, E> {
        match self {
            Either::Ms(ms) => Ok(ms),
            Either::Text(s) => {
                parse_rfc3339(&s).ok_or_else(|| E::custom(format!("not an RFC 3339 time: {s:?}")))
            }
        }
    }
}

/// `#[serde(with = "crate::timestamp::ms")]` on an `i64` of milliseconds.
pub mod ms {
    use super::*;

    pub fn serialize<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339(*ms))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        Either::deserialize(d)?.ms()
    }
}

/// `#[serde(with = "crate::timestamp::opt_ms")]` on an `Option<i64>` of
/// milliseconds (`null` when absent).
pub mod opt_ms {
    use super::*;

    pub fn serialize<S: Serializer>(ms: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match ms {
            Some(ms) => s.serialize_str(&rfc3339(*ms)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Option::<Either>::deserialize(d)?
            .map(Either::ms)
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for ms in [0, 1, 999, 1_764_601_900_123, 951_782_400_000, -1] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms), "{}", rfc3339(ms));
        }
        assert_eq!(rfc3339(1_764_601_900_123), "2025-12-01T15:11:40.123Z");
        assert_eq!(
            parse_rfc3339("2025-12-01T16:11:40+01:00"),
            Some(1_764_601_900_000)
        );
        assert_eq!(parse_rfc3339("2025-12-01 15:11:40"), None);
        assert_eq!(parse_rfc3339("1764601900123"), None);
    }

    #[test]
    fn utc_formatting() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(1_795_572_450_785), "2026-11-25T02:07:30Z");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29T00:00:00Z");
    }
}
