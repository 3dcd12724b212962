//! Calendar days for event arithmetic.
//!
//! Every event date of the data set (crossings, placements, documents,
//! payments) is read into a [`Day`]: the day number of
//! [`yalu_model::FuzzyDate::day_number`] (days since 0000-03-01, proleptic
//! Gregorian). Day arithmetic is then plain integer arithmetic, with no
//! time zones: a timestamp counts on the calendar day written in it
//! (`2019-10-15T23:30:00Z` is 2019-10-15). We use the model's day numbers
//! rather than a date-time crate because the rules only ever need whole
//! days, the model already validates dates, and one day count shared with
//! the rest of the workspace avoids two notions of "a date".

use serde::{Serialize, Serializer};
use std::fmt;
use yalu_model::FuzzyDate;

/// A calendar day, as a day number. Ordered, and `b - a` is the number of
/// days from `a` to `b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// The day of a date known to the day; `None` for `YYYY` or `YYYY-MM`.
    pub fn from_date(date: &FuzzyDate) -> Option<Day> {
        date.day_number().map(|n| Day(n as i32))
    }

    /// A day from its parts. Panics on an invalid date: for constants and
    /// tests only.
    pub fn ymd(year: i32, month: u8, day: u8) -> Day {
        let d = FuzzyDate::ymd(year, month, day).expect("valid date");
        Day::from_date(&d).expect("full date")
    }

    /// Parses `YYYY-MM-DD` (a time after `T` is ignored).
    pub fn parse(text: &str) -> Result<Day, String> {
        let d: FuzzyDate = text
            .parse()
            .map_err(|e: yalu_model::FuzzyDateError| e.to_string())?;
        Day::from_date(&d)
            .ok_or_else(|| format!("`{}` is not a full date (YYYY-MM-DD)", text.trim()))
    }

    /// The day `n` days later (earlier when negative).
    pub fn plus(self, n: i32) -> Day {
        Day(self.0 + n)
    }

    /// Days from `earlier` to `self`.
    pub fn since(self, earlier: Day) -> i32 {
        self.0 - earlier.0
    }

    /// Year, month and day (inverse of the model's day number).
    pub fn ymd_parts(self) -> (i32, u8, u8) {
        let z = self.0 as i64;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = if m <= 2 { y + 1 } else { y };
        (y as i32, m as u8, d as u8)
    }

    /// The first day of this day's month.
    pub fn month_start(self) -> Day {
        let (y, m, _) = self.ymd_parts();
        Day::ymd(y, m, 1)
    }

    /// `YYYY-MM` of this day.
    pub fn month_label(self) -> String {
        let (y, m, _) = self.ymd_parts();
        format!("{y:04}-{m:02}")
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd_parts();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Inclusive day ranges, sorted and merged: the days a document is valid,
/// a placement runs, a person is covered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaySet {
    ranges: Vec<(Day, Day)>,
}

impl DaySet {
    /// The empty set.
    pub fn new() -> DaySet {
        DaySet::default()
    }

    /// Adds the days `from..=to` (nothing when `to < from`).
    pub fn add(&mut self, from: Day, to: Day) {
        if to < from {
            return;
        }
        self.ranges.push((from, to));
        self.ranges.sort();
        let mut merged: Vec<(Day, Day)> = Vec::with_capacity(self.ranges.len());
        for &(a, b) in &self.ranges {
            match merged.last_mut() {
                Some(last) if a.0 <= last.1.0 + 1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        self.ranges = merged;
    }

    /// The days of `self` within `from..=to`.
    pub fn clip(&self, from: Day, to: Day) -> DaySet {
        let ranges = self
            .ranges
            .iter()
            .filter_map(|&(a, b)| {
                let (a, b) = (a.max(from), b.min(to));
                (a <= b).then_some((a, b))
            })
            .collect();
        DaySet { ranges }
    }

    /// The days of `self` not in `other`.
    pub fn minus(&self, other: &DaySet) -> DaySet {
        let mut out = Vec::new();
        for &(a, b) in &self.ranges {
            let mut start = a;
            for &(c, d) in &other.ranges {
                if d < start || c > b {
                    continue;
                }
                if c > start {
                    out.push((start, c.plus(-1)));
                }
                start = d.plus(1);
                if start > b {
                    break;
                }
            }
            if start <= b {
                out.push((start, b));
            }
        }
        DaySet { ranges: out }
    }

    /// Whether `day` is in the set.
    pub fn contains(&self, day: Day) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= day && day <= b)
    }

    /// Number of days in the set.
    pub fn len(&self) -> i64 {
        self.ranges
            .iter()
            .map(|&(a, b)| (b.0 - a.0 + 1) as i64)
            .sum()
    }

    /// Whether the set has no day.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The earliest day, `None` when empty.
    pub fn first(&self) -> Option<Day> {
        self.ranges.first().map(|r| r.0)
    }

    /// The latest day, `None` when empty.
    pub fn last(&self) -> Option<Day> {
        self.ranges.last().map(|r| r.1)
    }

    /// The inclusive ranges `(first, last)`, sorted, disjoint and not
    /// adjacent (adjacent ranges are merged).
    pub fn ranges(&self) -> &[(Day, Day)] {
        &self.ranges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        for text in [
            "2017-09-11",
            "2019-12-22",
            "2020-02-29",
            "1999-12-31",
            "2000-03-01",
            "1970-01-01",
        ] {
            let d = Day::parse(text).unwrap();
            assert_eq!(d.to_string(), text);
        }
        let a = Day::parse("2019-12-22").unwrap();
        assert_eq!(Day::parse("2020-01-21").unwrap().since(a), 30);
        assert_eq!(a.plus(1).to_string(), "2019-12-23");
        assert_eq!(Day::parse("2019-12-22T23:59:00Z").unwrap(), a);
        assert!(Day::parse("2019-12").is_err());
        assert!(Day::parse("1984-13-45").is_err());
        assert_eq!(a.month_start().to_string(), "2019-12-01");
    }

    #[test]
    fn day_sets() {
        let d = |s: &str| Day::parse(s).unwrap();
        let mut a = DaySet::new();
        a.add(d("2019-01-01"), d("2019-01-31"));
        a.add(d("2019-02-01"), d("2019-02-10"));
        assert_eq!(a.ranges().len(), 1);
        assert_eq!(a.len(), 41);
        let mut b = DaySet::new();
        b.add(d("2019-01-10"), d("2019-01-19"));
        let c = a.minus(&b);
        assert_eq!(c.len(), 31);
        assert!(!c.contains(d("2019-01-15")));
        assert!(c.contains(d("2019-01-20")));
        assert_eq!(a.clip(d("2019-02-05"), d("2019-03-01")).len(), 6);
    }
}
