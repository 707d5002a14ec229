//! Trends of a dated corpus, computed at build time: papers per topic per period (weeks, or
//! months when the corpus spans more than two years) for sparklines, and the keyphrases whose
//! share of papers grew most in the latest periods. Papers without a full date
//! (`YYYY-MM-DD`) are left out; a corpus with fewer than two periods of dated papers has none.
//! Hand-written: the calendar arithmetic is the few lines below, not worth a date crate in the
//! wasm bundle.

/// Most periods kept (the latest ones).
pub const MAX_PERIODS: usize = 120;
/// Periods forming the "recent" window: four weeks, or three months.
pub const RECENT_WEEKS: usize = 4;
/// Recent months when periods are months.
pub const RECENT_MONTHS: usize = 3;
/// Rising phrases kept.
pub const MAX_RISING: usize = 15;
/// A rising phrase appears in at least this many recent papers (and in one in a thousand).
pub const MIN_RECENT_PAPERS: u32 = 3;
/// Papers added to both sides when ranking rising phrases, so that three papers against
/// none do not outrank thirty against ten.
const RANK_SMOOTHING: f32 = 3.0;

/// Papers over time, per topic, and what is rising.
#[derive(Debug, Clone, PartialEq)]
pub struct Trends {
    /// Whether periods are weeks (Monday to Sunday); else calendar months.
    pub weekly: bool,
    /// First day of each period, `yyyymmdd`, ascending and consecutive.
    pub periods: Vec<u32>,
    /// Dated papers per period (all topics).
    pub totals: Vec<u32>,
    /// Per topic (top topics, then subtopics, as in the model), papers per period.
    pub counts: Vec<Vec<u32>>,
    /// Index into `periods` where the recent window starts.
    pub recent_from: usize,
    /// Rising phrases, most rising first: (phrase id, recent papers, earlier papers).
    pub rising: Vec<(u32, u32, u32)>,
}

impl Trends {
    /// Papers of `topic` in the recent window and before it.
    pub fn recent_and_before(&self, topic: usize) -> (u32, u32) {
        let Some(row) = self.counts.get(topic) else { return (0, 0) };
        let cut = self.recent_from.min(row.len());
        (row[cut..].iter().sum(), row[..cut].iter().sum())
    }

    /// Dated papers in the recent window and before it.
    pub fn totals_recent_and_before(&self) -> (u32, u32) {
        let cut = self.recent_from.min(self.totals.len());
        (self.totals[cut..].iter().sum(), self.totals[..cut].iter().sum())
    }

    /// How much more of the corpus `recent` of `recent_total` papers is than `before` of
    /// `before_total`: a ratio of shares, each smoothed with five papers at the overall share
    /// (so a small window with no papers reads as a fall, not as growth from nothing).
    pub fn growth(recent: u32, recent_total: u32, before: u32, before_total: u32) -> f32 {
        const PRIOR: f32 = 5.0;
        let all = (recent_total + before_total).max(1) as f32;
        let overall = (recent + before) as f32 / all;
        let share = |n: u32, total: u32| (n as f32 + PRIOR * overall) / (total as f32 + PRIOR);
        let before_share = share(before, before_total);
        if before_share <= 0.0 {
            return 1.0;
        }
        share(recent, recent_total) / before_share
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number, as `yyyymmdd`.
fn civil_from_days(z: i64) -> u32 {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y * 10_000 + m * 100 + d).clamp(0, 99_991_231) as u32
}

/// A full `YYYY-MM-DD` date as (year, month, day), if valid.
fn parse_day(date: &str) -> Option<(i64, u32, u32)> {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = date[..4].parse().ok()?;
    let m: u32 = date[5..7].parse().ok()?;
    let d: u32 = date[8..10].parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// Period number of a date: weeks since the Monday of 1970-01-05's week, or months since 1970.
fn period_of(y: i64, m: u32, d: u32, weekly: bool) -> i64 {
    if weekly {
        // 1970-01-01 was a Thursday: shift so weeks start on Monday.
        (days_from_civil(y, m, d) + 3).div_euclid(7)
    } else {
        y * 12 + i64::from(m) - 1
    }
}

fn period_start(p: i64, weekly: bool) -> u32 {
    if weekly {
        civil_from_days(p * 7 - 3)
    } else {
        let (y, m) = (p.div_euclid(12), p.rem_euclid(12) + 1);
        (y * 10_000 + m * 100 + 1).clamp(0, 99_991_231) as u32
    }
}

/// Trends for papers, given by their dates in document order, with their primary topic and
/// subtopic and keyphrases (as in the model); `None` when fewer than two periods hold dated
/// papers.
pub fn compute<'a>(
    dates: impl Iterator<Item = Option<&'a str>>,
    topic_of: &[(u32, Option<u32>)],
    keyphrases: &[Vec<u32>],
    n_topics: usize,
    n_phrases: usize,
) -> Option<Trends> {
    let days: Vec<Option<(i64, u32, u32)>> = dates.map(|d| d.and_then(parse_day)).collect();
    let numbers = days.iter().flatten().map(|&(y, m, d)| days_from_civil(y, m, d));
    let span = numbers.clone().max()? - numbers.min()?;
    let weekly = span <= 2 * 366;
    // Each dated paper's period, computed once.
    let period: Vec<Option<i64>> = days.iter().map(|d| d.map(|(y, m, d)| period_of(y, m, d, weekly))).collect();
    let last_p = period.iter().flatten().copied().max()?;
    let first_p = period.iter().flatten().copied().min()?.max(last_p - MAX_PERIODS as i64 + 1);
    let n_periods = (last_p - first_p + 1) as usize;
    if n_periods < 2 {
        return None;
    }
    let recent = if weekly { RECENT_WEEKS } else { RECENT_MONTHS }.min(n_periods - 1);
    let recent_from = n_periods - recent;
    let mut totals = vec![0u32; n_periods];
    let mut counts = vec![vec![0u32; n_periods]; n_topics];
    let mut phrase_recent = vec![0u32; n_phrases];
    let mut phrase_before = vec![0u32; n_phrases];
    for (doc, &p) in period.iter().enumerate() {
        let Some(p) = p.filter(|&p| p >= first_p) else { continue };
        let i = (p - first_p) as usize;
        totals[i] += 1;
        if let Some(&(t, s)) = topic_of.get(doc) {
            for topic in std::iter::once(t).chain(s) {
                if let Some(row) = counts.get_mut(topic as usize) {
                    row[i] += 1;
                }
            }
        }
        let bucket = if i >= recent_from { &mut phrase_recent } else { &mut phrase_before };
        for &k in keyphrases.get(doc).map_or(&[][..], |k| &k[..]) {
            if let Some(c) = bucket.get_mut(k as usize) {
                *c += 1;
            }
        }
    }
    let recent_total: u32 = totals[recent_from..].iter().sum();
    let before_total: u32 = totals[..recent_from].iter().sum();
    let min_recent = MIN_RECENT_PAPERS.max(recent_total / 1000);
    let mut rising: Vec<(u32, u32, u32)> = (0..n_phrases)
        .filter(|&k| phrase_recent[k] >= min_recent)
        .map(|k| (k as u32, phrase_recent[k], phrase_before[k]))
        .filter(|&(_, r, b)| Trends::growth(r, recent_total, b, before_total) > 1.0)
        .collect();
    let score = |&(_, r, b): &(u32, u32, u32)| {
        let share = |n: u32, total: u32| (n as f32 + RANK_SMOOTHING) / (total as f32 + RANK_SMOOTHING);
        share(r, recent_total) / share(b, before_total) * (r as f32).ln_1p()
    };
    rising.sort_by(|a, b| score(b).total_cmp(&score(a)).then(a.0.cmp(&b.0)));
    rising.truncate(MAX_RISING);
    let periods = (0..n_periods).map(|i| period_start(first_p + i as i64, weekly)).collect();
    Some(Trends { weekly, periods, totals, counts, recent_from, rising })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::corpus::Paper;

    fn dates(papers: &[Paper]) -> impl Iterator<Item = Option<&str>> {
        papers.iter().map(|p| p.date.as_deref())
    }

    fn paper(date: Option<&str>) -> Paper {
        Paper {
            id: String::new(),
            title: "t".into(),
            abstract_text: "a".into(),
            authors: vec![],
            categories: vec![],
            date: date.map(str::to_string),
            listed: None,
            url: None,
            links: vec![],
        }
    }

    #[test]
    fn calendar_round_trips() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2025, 3, 17), (2026, 12, 31), (1969, 12, 31)] {
            let z = days_from_civil(y, m, d);
            assert_eq!(civil_from_days(z), (y * 10_000) as u32 + m * 100 + d);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        // 2025-03-17 is a Monday: its week starts that day; the Sunday before is the week before.
        let monday = period_of(2025, 3, 17, true);
        assert_eq!(period_start(monday, true), 20250317);
        assert_eq!(period_of(2025, 3, 23, true), monday);
        assert_eq!(period_of(2025, 3, 16, true), monday - 1);
        assert_eq!(period_start(period_of(2025, 3, 17, false), false), 20250301);
    }

    #[test]
    fn weekly_counts_and_a_rising_phrase() {
        // Ten weeks; topic 0 steady, topic 1 only in the last two weeks; phrase 1 rises.
        let mut papers = Vec::new();
        let mut topics = Vec::new();
        let mut phrases = Vec::new();
        for week in 0..10i64 {
            // A Wednesday of each week from the one starting Monday 2025-03-03.
            let d = civil_from_days(days_from_civil(2025, 3, 5) + 7 * week);
            let date = format!("{}-{:02}-{:02}", d / 10_000, d / 100 % 100, d % 100);
            for _ in 0..5 {
                papers.push(paper(Some(&date)));
                topics.push((0, None));
                phrases.push(vec![0]);
            }
            if week >= 8 {
                for _ in 0..4 {
                    papers.push(paper(Some(&date)));
                    topics.push((1, Some(2)));
                    phrases.push(vec![1, 0]);
                }
            }
        }
        papers.push(paper(None));
        topics.push((0, None));
        phrases.push(vec![1]);
        let t = compute(dates(&papers), &topics, &phrases, 3, 2).unwrap();
        assert!(t.weekly);
        assert_eq!(t.periods.first(), Some(&20250303));
        assert!(t.periods.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(t.totals.iter().sum::<u32>(), 58, "the undated paper is left out");
        assert_eq!(t.counts[2], t.counts[1], "subtopics count too");
        let (r1, b1) = t.recent_and_before(1);
        assert_eq!((r1, b1), (8, 0));
        assert_eq!(t.rising.first().map(|r| r.0), Some(1), "{:?}", t.rising);
        assert!(t.rising.iter().all(|r| r.0 != 0), "a steady phrase is not rising");
    }

    #[test]
    fn growth_reads_an_empty_recent_window_as_a_fall() {
        assert!(Trends::growth(0, 12, 5, 190) < 1.0);
        assert!(Trends::growth(6, 12, 5, 190) > 5.0);
        assert!((Trends::growth(10, 100, 10, 100) - 1.0).abs() < 1e-6);
        assert_eq!(Trends::growth(0, 0, 0, 0), 1.0);
    }

    #[test]
    fn undated_or_single_period_corpora_have_no_trends() {
        let papers = vec![paper(None), paper(Some("2025-03")), paper(Some("2025-03-18")), paper(Some("2025-03-19"))];
        let topics = vec![(0, None); 4];
        let phrases = vec![vec![]; 4];
        assert_eq!(compute(dates(&papers), &topics, &phrases, 1, 0), None);
        assert_eq!(compute(dates(&papers[..2]), &topics[..2], &phrases[..2], 1, 0), None);
    }
}
