//! Dates that keep their precision, as sanctions lists publish them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DatePrecision {
    /// Only the year is known (`1984`).
    Year,
    /// The year and the month are known (`1984-01`).
    Month,
    /// The whole date is known (`1984-01-08`).
    Day,
}

/// A date known to the year, the month or the day: `1984`, `1984-01`,
/// `1984-01-08`. Displays and serialises in that ISO prefix form, which is
/// how FtM stores dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FuzzyDate {
    /// The year, 1000 to 2999.
    pub year: i32,
    /// The month, 1 to 12, when known.
    pub month: Option<u8>,
    /// The day of the month, when known (only with a month).
    pub day: Option<u8>,
}

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FuzzyDateError {
    /// The text was empty.
    #[error("empty date")]
    Empty,
    /// The text is not in any of the ISO prefix forms.
    #[error("`{0}` is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")]
    Syntax(String),
    /// The month is not 1 to 12.
    #[error("`{0}` has a month outside 1-12")]
    Month(String),
    /// The day does not exist in its month (`1970-02-31`).
    #[error("`{0}` has a day that does not exist in its month")]
    Day(String),
    /// The year is outside 1000 to 2999.
    #[error("`{0}` has a year outside 1000-2999")]
    Year(String),
}

impl FuzzyDate {
    /// A date known to the day, validated.
    pub fn ymd(year: i32, month: u8, day: u8) -> Result<Self, FuzzyDateError> {
        let d = FuzzyDate {
            year,
            month: Some(month),
            day: Some(day),
        };
        d.validate(&d.to_string())
    }

    /// A date known to the year.
    pub fn year(year: i32) -> Self {
        FuzzyDate {
            year,
            month: None,
            day: None,
        }
    }

    /// How much of the date is known.
    pub fn precision(&self) -> DatePrecision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => DatePrecision::Day,
            (Some(_), None) => DatePrecision::Month,
            _ => DatePrecision::Year,
        }
    }

    /// True when both dates could name the same day: every part known on
    /// both sides agrees.
    pub fn compatible(&self, other: &FuzzyDate) -> bool {
        self.year == other.year
            && (self.month.is_none() || other.month.is_none() || self.month == other.month)
            && (self.day.is_none() || other.day.is_none() || self.day == other.day)
    }

    /// Days since 0000-03-01 (proleptic Gregorian) for a full date, used for
    /// day arithmetic. `None` unless the day is known.
    pub fn day_number(&self) -> Option<i64> {
        let (m, d) = (self.month? as i64, self.day? as i64);
        let y = self.year as i64 - if m <= 2 { 1 } else { 0 };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(era * 146097 + doe)
    }

    fn validate(self, text: &str) -> Result<Self, FuzzyDateError> {
        if !(1000..=2999).contains(&self.year) {
            return Err(FuzzyDateError::Year(text.to_string()));
        }
        if let Some(m) = self.month {
            if !(1..=12).contains(&m) {
                return Err(FuzzyDateError::Month(text.to_string()));
            }
            if let Some(d) = self.day
                && (d == 0 || d > days_in_month(self.year, m))
            {
                return Err(FuzzyDateError::Day(text.to_string()));
            }
        }
        Ok(self)
    }
}

/// Number of days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for FuzzyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for FuzzyDate {
    type Err = FuzzyDateError;

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a time part after `T` is
    /// ignored (FtM timestamps).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if text.is_empty() {
            return Err(FuzzyDateError::Empty);
        }
        let date_part = text.split('T').next().unwrap_or(text);
        let parts: Vec<&str> = date_part.split('-').collect();
        let num = |p: &str, len: usize| -> Result<u32, FuzzyDateError> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(FuzzyDateError::Syntax(text.to_string()));
            }
            p.parse()
                .map_err(|_| FuzzyDateError::Syntax(text.to_string()))
        };
        let date = match parts.as_slice() {
            [y] => FuzzyDate::year(num(y, 4)? as i32),
            [y, m] => FuzzyDate {
                year: num(y, 4)? as i32,
                month: Some(num(m, 2)? as u8),
                day: None,
            },
            [y, m, d] => FuzzyDate {
                year: num(y, 4)? as i32,
                month: Some(num(m, 2)? as u8),
                day: Some(num(d, 2)? as u8),
            },
            _ => return Err(FuzzyDateError::Syntax(text.to_string())),
        };
        date.validate(text)
    }
}

impl PartialOrd for FuzzyDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for FuzzyDate {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.year, self.month, self.day).cmp(&(other.year, other.month, other.day))
    }
}

impl Serialize for FuzzyDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FuzzyDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| w.starts_with(m))
        .map(|i| i as u8 + 1)
}

/// Reads one date written the way sanctions lists write it: ISO forms,
/// `08 Jan 1984`, `Jan 1984`, `1984`, `08/01/1984` is *not* accepted (it is
/// ambiguous between day-first and month-first).
fn parse_single(text: &str) -> Result<FuzzyDate, FuzzyDateError> {
    let t = text.trim().trim_end_matches('.');
    if let Ok(d) = t.parse::<FuzzyDate>() {
        return Ok(d);
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let bad = || FuzzyDateError::Syntax(text.trim().to_string());
    let year = |w: &str| -> Result<i32, FuzzyDateError> {
        if w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()) {
            w.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let date = match words.as_slice() {
        [d, m, y] => {
            let day: u8 = d.parse().map_err(|_| bad())?;
            FuzzyDate {
                year: year(y)?,
                month: Some(month_number(m).ok_or_else(bad)?),
                day: Some(day),
            }
        }
        [m, y] => FuzzyDate {
            year: year(y)?,
            month: Some(month_number(m).ok_or_else(bad)?),
            day: None,
        },
        _ => return Err(bad()),
    };
    date.validate(text.trim())
}

/// Longest year range expanded into one value per year; longer ranges keep
/// only their two ends.
const MAX_EXPANDED_YEARS: i32 = 10;

/// Turns a list's date expression into the dates it allows.
///
/// Accepts a single date in any form `parse_single` reads, optionally
/// prefixed by `circa`/`ca.`/`approximately`, and ranges written
/// `X to Y`, `X - Y` or `between X and Y`. A range of years becomes one
/// value per year (up to ten years; longer ranges keep their two ends), which
/// is how FtM represents an uncertain birth date.
///
/// ```
/// use yalu_model::expand_date_expression;
/// let years: Vec<String> = expand_date_expression("between 1937 and 1938")
///     .unwrap().iter().map(|d| d.to_string()).collect();
/// assert_eq!(years, ["1937", "1938"]);
/// assert_eq!(expand_date_expression("circa 1962").unwrap()[0].to_string(), "1962");
/// assert_eq!(expand_date_expression("08 Jan 1984").unwrap()[0].to_string(), "1984-01-08");
/// assert!(expand_date_expression("1984-13-45").is_err());
/// ```
pub fn expand_date_expression(text: &str) -> Result<Vec<FuzzyDate>, FuzzyDateError> {
    let mut t = text.trim().trim_end_matches(['.', ';']).trim().to_string();
    if t.is_empty() {
        return Err(FuzzyDateError::Empty);
    }
    let lower = t.to_ascii_lowercase();
    for prefix in [
        "circa ",
        "ca. ",
        "ca ",
        "approximately ",
        "approx. ",
        "about ",
    ] {
        if lower.starts_with(prefix) {
            t = t[prefix.len()..].trim().to_string();
            break;
        }
    }
    let lower = t.to_ascii_lowercase();
    let range = if let Some(rest) = lower.strip_prefix("between ") {
        rest.split_once(" and ")
            .map(|(a, b)| (t[8..8 + a.len()].to_string(), b.len()))
            .map(|(a, blen)| (a, t[t.len() - blen..].to_string()))
    } else if let Some((a, b)) = lower.split_once(" to ") {
        Some((t[..a.len()].to_string(), t[t.len() - b.len()..].to_string()))
    } else if let Some((a, b)) = t.split_once(" - ") {
        Some((a.to_string(), b.to_string()))
    } else {
        None
    };
    match range {
        None => Ok(vec![parse_single(&t)?]),
        Some((a, b)) => {
            let (start, end) = (parse_single(&a)?, parse_single(&b)?);
            let (start, end) = if start <= end {
                (start, end)
            } else {
                (end, start)
            };
            let whole_years =
                start.precision() == DatePrecision::Year && end.precision() == DatePrecision::Year;
            if whole_years && end.year - start.year < MAX_EXPANDED_YEARS {
                Ok((start.year..=end.year).map(FuzzyDate::year).collect())
            } else if start == end {
                Ok(vec![start])
            } else {
                Ok(vec![start, end])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keeps_precision() {
        for s in ["1984", "1984-01", "1984-01-08"] {
            let d: FuzzyDate = s.parse().unwrap();
            assert_eq!(d.to_string(), s);
        }
        assert_eq!(
            "1984".parse::<FuzzyDate>().unwrap().precision(),
            DatePrecision::Year
        );
        assert_eq!(
            "1984-01".parse::<FuzzyDate>().unwrap().precision(),
            DatePrecision::Month
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(matches!(
            "1984-13-45".parse::<FuzzyDate>(),
            Err(FuzzyDateError::Month(_))
        ));
        assert!(matches!(
            "2023-02-29".parse::<FuzzyDate>(),
            Err(FuzzyDateError::Day(_))
        ));
        assert!("2024-02-29".parse::<FuzzyDate>().is_ok());
        assert!("84-01-08".parse::<FuzzyDate>().is_err());
        assert!("".parse::<FuzzyDate>().is_err());
    }

    #[test]
    fn timestamp_is_read_as_day() {
        let d: FuzzyDate = "2019-10-15T08:30:00Z".parse().unwrap();
        assert_eq!(d.to_string(), "2019-10-15");
    }

    #[test]
    fn expressions() {
        let s = |t: &str| -> Vec<String> {
            expand_date_expression(t)
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(s("1962 to 1964"), ["1962", "1963", "1964"]);
        assert_eq!(s("Between 1937 and 1938"), ["1937", "1938"]);
        assert_eq!(s("circa 1955"), ["1955"]);
        assert_eq!(s("Aug 1968"), ["1968-08"]);
        assert_eq!(s("07 Aug 1968"), ["1968-08-07"]);
        assert_eq!(s("1900 to 1990"), ["1900", "1990"]);
        assert_eq!(
            s("01 Jan 1960 to 31 Dec 1961"),
            ["1960-01-01", "1961-12-31"]
        );
        assert!(expand_date_expression("sometime").is_err());
    }

    #[test]
    fn compatibility() {
        let a: FuzzyDate = "1984".parse().unwrap();
        let b: FuzzyDate = "1984-01-08".parse().unwrap();
        let c: FuzzyDate = "1984-02".parse().unwrap();
        assert!(a.compatible(&b));
        assert!(!b.compatible(&c));
    }

    #[test]
    fn day_numbers_count_days() {
        let a = FuzzyDate::ymd(2019, 12, 22).unwrap().day_number().unwrap();
        let b = FuzzyDate::ymd(2020, 1, 1).unwrap().day_number().unwrap();
        assert_eq!(b - a, 10);
        let c = FuzzyDate::ymd(2020, 3, 1).unwrap().day_number().unwrap();
        assert_eq!(c - b, 31 + 29);
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(y in 1000i32..2999, m in 1u8..=12, d in 1u8..=28) {
            let date = FuzzyDate::ymd(y, m, d).unwrap();
            prop_assert_eq!(date.to_string().parse::<FuzzyDate>().unwrap(), date);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = s.parse::<FuzzyDate>();
            let _ = expand_date_expression(&s);
        }
    }
}
