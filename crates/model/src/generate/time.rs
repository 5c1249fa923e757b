//! Dates for the generator: ISO 8601 text (`2025-03-14` or `2025-03-14T09:26:53Z`) to
//! seconds since the Unix epoch and back, in UTC, with the proleptic Gregorian calendar
//! (Howard Hinnant's `days_from_civil`). Years 1970 to 9999: what DynamoDB TTL and sortable
//! ISO text both need.

const SECONDS_PER_DAY: i64 = 86_400;

/// Seconds since the epoch for `YYYY-MM-DD` (midnight) or `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn parse(text: &str) -> Option<i64> {
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time.strip_suffix('Z')?)),
        None => (text, None),
    };
    let days = parse_date(date)?;
    let seconds = match time {
        Some(time) => parse_time(time)?,
        None => 0,
    };
    Some(days * SECONDS_PER_DAY + seconds)
}

fn parse_date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = digits(&text[0..4])?;
    let month = digits(&text[5..7])?;
    let day = digits(&text[8..10])?;
    let valid = (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month);
    valid.then(|| days_from_civil(year, month, day))
}

fn parse_time(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 8 || bytes[2] != b':' || bytes[5] != b':' {
        return None;
    }
    let (hour, minute, second) = (
        digits(&text[0..2])?,
        digits(&text[3..5])?,
        digits(&text[6..8])?,
    );
    (hour < 24 && minute < 60 && second < 60).then_some(hour * 3600 + minute * 60 + second)
}

fn digits(text: &str) -> Option<i64> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DD` of the day containing `seconds`.
pub(crate) fn format_date(seconds: i64) -> String {
    let (year, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}")
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn format_timestamp(seconds: i64) -> String {
    let of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        format_date(seconds),
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_timestamps_parse_to_epoch_seconds() {
        assert_eq!(parse("1970-01-01"), Some(0));
        assert_eq!(parse("2025-01-01"), Some(1_735_689_600));
        assert_eq!(parse("2024-02-29T12:30:05Z"), Some(1_709_209_805));
    }

    #[test]
    fn impossible_dates_and_other_shapes_are_refused() {
        for text in [
            "2025-02-29",
            "2025-13-01",
            "2025-1-01",
            "1969-12-31",
            "2025-01-01T24:00:00Z",
            "2025-01-01T10:00:00",
            "soon",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn formatting_inverts_parsing() {
        for text in [
            "2000-02-29T23:59:59Z",
            "2025-12-31T00:00:00Z",
            "9999-12-31T12:00:00Z",
        ] {
            assert_eq!(parse(text).map(format_timestamp).as_deref(), Some(text));
        }
        assert_eq!(format_date(1_709_209_805), "2024-02-29");
    }
}
