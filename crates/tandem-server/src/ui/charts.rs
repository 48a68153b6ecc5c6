//! The insights page's charts as server-rendered SVG (plain strings, no chart library): the queues
//! now, handoffs per day stacked by reason, cases per day stacked by root cause, and the
//! conversations the bot resolved or answered per day (contained, false automation, the rest). Accessible (title, description, a table-like
//! reading order) and escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tandem_core::decision::HandoffReason;
use tandem_engine::insights::automation::DayAutomation;
use tandem_engine::insights::root_causes::CauseTrend;
use tandem_engine::insights::{DailyHandoffs, Queues};

/// A count of rows, bars or columns as pixels arithmetic uses (charts never come near 2^32).
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `part / whole` of `length` pixels, rounded to the nearest pixel (integer arithmetic, no float
/// casts); 0 when `whole` is not positive, never more than `length`.
fn scaled(part: i64, whole: i64, length: u32) -> u32 {
    if whole <= 0 {
        return 0;
    }
    let part = i128::from(part.clamp(0, whole));
    let whole = i128::from(whole);
    let px = (2 * part * i128::from(length) + whole) / (2 * whole);
    u32::try_from(px).unwrap_or(length).min(length)
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

const TEXT: &str = "#1f2328";
const MUTED: &str = "#57606a";
const GRID: &str = "#d0d7de";
const BAR: &str = "#0b5cad";
const FONT: &str = "font-family=\"system-ui, sans-serif\"";

/// A colour per handoff reason; each has at least 4.5:1 contrast on white.
fn reason_colour(reason: &str) -> &'static str {
    match reason {
        "customer_request" => "#0b5cad",
        "low_confidence" => "#a34700",
        "out_of_scope" => "#2e6b30",
        "sensitive_topic" => "#7b2d8b",
        "frustration" => "#b3261e",
        "repeated_failure" => "#5d4037",
        "action_failed" => "#00695c",
        _ => "#3c4a57",
    }
}

fn reason_label(reason: &str) -> String {
    let text = reason.replace('_', " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn svg_open(out: &mut String, width: u32, height: u32, id: &str, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" {FONT} font-size=\"13\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>\
         <rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>",
        xml_escape(title),
        xml_escape(desc)
    );
}

/// Horizontal bars for the open conversations per status (bot, queued, assigned) and per team.
pub fn queues_chart(queues: &Queues) -> String {
    let statuses: Vec<(String, i64)> = ["bot", "queued", "assigned"]
        .iter()
        .map(|s| {
            let label = match *s {
                "bot" => "With the bot",
                "queued" => "Waiting (queued)",
                _ => "With an agent",
            };
            (label.to_owned(), queues.by_status.get(*s).copied().unwrap_or(0))
        })
        .collect();
    let teams: Vec<(String, i64)> = queues.by_team.iter().map(|t| (t.team.clone(), t.open)).collect();
    let max = statuses
        .iter()
        .chain(&teams)
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0)
        .max(1);
    let (width, label_w, bar_h, gap) = (640u32, 180u32, 22u32, 8u32);
    let bar_max = width - label_w - 70;
    let rows = statuses.len() + teams.len().max(1);
    let height = 40 + 2 * 30 + to_u32(rows) * (bar_h + gap) + 10;
    let desc = {
        let parts: Vec<String> = statuses
            .iter()
            .map(|(l, n)| format!("{l}: {n}"))
            .chain(teams.iter().map(|(t, n)| format!("team {t}: {n} open")))
            .collect();
        format!("Open conversations by status and by team. {}.", parts.join("; "))
    };
    let mut out = String::new();
    svg_open(&mut out, width, height, "queues", "Open conversations", &desc);
    let mut y = 16u32;
    let section = |out: &mut String, y: &mut u32, heading: &str, rows: &[(String, i64)]| {
        let _ = write!(
            out,
            "<text x=\"8\" y=\"{}\" fill=\"{TEXT}\" font-weight=\"600\">{}</text>",
            *y + 14,
            xml_escape(heading)
        );
        *y += 30;
        if rows.is_empty() {
            let _ = write!(
                out,
                "<text x=\"8\" y=\"{}\" fill=\"{MUTED}\">No teams yet</text>",
                *y + 15
            );
            *y += bar_h + gap;
        }
        for (label, n) in rows {
            let w = if *n > 0 {
                scaled(*n, max, bar_max).max(2)
            } else {
                0
            };
            let _ = write!(
                out,
                "<g><text x=\"{}\" y=\"{}\" fill=\"{TEXT}\" text-anchor=\"end\">{}</text>\
                 <rect x=\"{label_w}\" y=\"{}\" width=\"{w}\" height=\"{bar_h}\" fill=\"{BAR}\" rx=\"2\"/>\
                 <text x=\"{}\" y=\"{}\" fill=\"{TEXT}\">{n}</text></g>",
                label_w - 8,
                *y + 15,
                xml_escape(label),
                *y,
                label_w + w + 6,
                *y + 15,
            );
            *y += bar_h + gap;
        }
    };
    section(&mut out, &mut y, "By status", &statuses);
    section(&mut out, &mut y, "Open by team", &teams);
    out.push_str("</svg>");
    out
}

/// Stacked bars: handoffs per day, one colour per reason, with a legend.
pub fn handoffs_chart(daily: &[DailyHandoffs]) -> String {
    let days: Vec<(&str, &BTreeMap<String, i64>)> =
        daily.iter().map(|d| (d.date.as_str(), &d.handoffs)).collect();
    let keys: Vec<&str> = HandoffReason::ALL.iter().map(|r| r.as_str()).collect();
    stacked_days(
        &days,
        &keys,
        &Stack {
            id: "handoffs",
            title: "Handoffs per day by reason",
            what: "Handoffs to people",
            none: "No handoffs in this period",
            colour: reason_colour,
        },
    )
}

/// A colour per root cause; each has at least 4.5:1 contrast on white.
fn cause_colour(cause: &str) -> &'static str {
    match cause {
        "documentation" => "#0b5cad",
        "product_promise" => "#a34700",
        "sales_advice" => "#7b2d8b",
        "technical_defect" => "#b3261e",
        "process" => "#2e6b30",
        _ => "#3c4a57",
    }
}

/// Stacked bars: cases per day by root cause, with a legend.
pub fn root_causes_chart(causes: &[CauseTrend]) -> String {
    let mut per_day: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for c in causes {
        for d in &c.per_day {
            let day = per_day.entry(d.day.clone()).or_default();
            if d.count > 0 {
                day.insert(c.cause.as_str().to_owned(), d.count);
            }
        }
    }
    let days: Vec<(&str, &BTreeMap<String, i64>)> = per_day.iter().map(|(d, m)| (d.as_str(), m)).collect();
    let keys: Vec<&str> = causes.iter().map(|c| c.cause.as_str()).collect();
    stacked_days(
        &days,
        &keys,
        &Stack {
            id: "root-causes",
            title: "Cases per day by root cause",
            what: "Cases handed to people",
            none: "No root causes in this period",
            colour: cause_colour,
        },
    )
}

/// What a stacked per-day chart shows.
struct Stack {
    id: &'static str,
    title: &'static str,
    /// What the bars count, for the description ("Handoffs to people").
    what: &'static str,
    /// The legend when nothing happened.
    none: &'static str,
    colour: fn(&str) -> &'static str,
}

/// Stacked bars: per day (`YYYY-MM-DD`, oldest first) a count per key, one colour per key, with a
/// legend of the keys that occurred.
fn stacked_days(daily: &[(&str, &BTreeMap<String, i64>)], keys: &[&str], stack: &Stack) -> String {
    let reasons: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|r| daily.iter().any(|(_, d)| d.get(*r).is_some_and(|n| *n > 0)))
        .collect();
    let totals: Vec<i64> = daily.iter().map(|(_, d)| d.values().sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let (width, left, top, plot_h) = (720u32, 48u32, 24u32, 220u32);
    let legend_rows = to_u32(reasons.len().div_ceil(3).max(1));
    let height = top + plot_h + 40 + legend_rows * 22 + 10;
    let plot_w = width - left - 16;
    let n = to_u32(daily.len().max(1));
    let slot = plot_w / n;
    let bar_w = (slot * 7 / 10).max(2);
    let total: i64 = totals.iter().sum();
    let desc = {
        let mut sums: Vec<String> = reasons
            .iter()
            .map(|r| {
                let n: i64 = daily.iter().filter_map(|(_, d)| d.get(*r)).sum();
                format!("{}: {n}", reason_label(r))
            })
            .collect();
        if sums.is_empty() {
            sums.push("none".to_owned());
        }
        let span = match (daily.first(), daily.last()) {
            (Some(a), Some(b)) => format!(" from {} to {}", a.0, b.0),
            _ => String::new(),
        };
        format!(
            "{} per day{span}: {total} in all. By kind: {}.",
            stack.what,
            sums.join("; ")
        )
    };
    let mut out = String::new();
    svg_open(&mut out, width, height, stack.id, stack.title, &desc);
    // Axis and grid: 0, half, max.
    for (i, value) in [0, max / 2, max].iter().enumerate() {
        if i == 1 && (max / 2 == 0 || max / 2 == max) {
            continue;
        }
        let y = top + plot_h - scaled(*value, max, plot_h);
        let _ = write!(
            out,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{GRID}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"{MUTED}\" text-anchor=\"end\">{value}</text>",
            width - 16,
            left - 6,
            y + 4
        );
    }
    let label_every = (daily.len() / 8).max(1);
    for (i, (date, counts)) in daily.iter().enumerate() {
        let x = left + slot * to_u32(i) + (slot - bar_w) / 2;
        let mut y = top + plot_h;
        let _ = write!(
            out,
            "<g><title>{}</title>",
            xml_escape(&{
                let parts: Vec<String> = counts
                    .iter()
                    .filter(|(_, n)| **n > 0)
                    .map(|(r, n)| format!("{}: {n}", reason_label(r)))
                    .collect();
                if parts.is_empty() {
                    format!("{date}: none")
                } else {
                    format!("{date}: {}", parts.join(", "))
                }
            })
        );
        for reason in &reasons {
            let count = counts.get(*reason).copied().unwrap_or(0);
            if count <= 0 {
                continue;
            }
            let h = scaled(count, max, plot_h).max(1);
            y = y.saturating_sub(h);
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{bar_w}\" height=\"{h}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"0.5\"/>",
                (stack.colour)(reason)
            );
        }
        out.push_str("</g>");
        if i % label_every == 0 || i + 1 == daily.len() {
            let label = date.get(5..).unwrap_or(date);
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"{MUTED}\" text-anchor=\"middle\" font-size=\"11\">{}</text>",
                x + bar_w / 2,
                top + plot_h + 16,
                xml_escape(label)
            );
        }
    }
    // Legend.
    let legend_top = top + plot_h + 34;
    if reasons.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{left}\" y=\"{}\" fill=\"{MUTED}\">{}</text>",
            legend_top + 12,
            stack.none
        );
    }
    for (i, reason) in reasons.iter().enumerate() {
        let col = to_u32(i % 3);
        let row = to_u32(i / 3);
        let x = left + col * 220;
        let y = legend_top + row * 22;
        let _ = write!(
            out,
            "<g><rect x=\"{x}\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"{TEXT}\">{}</text></g>",
            (stack.colour)(reason),
            x + 20,
            y + 12,
            xml_escape(&reason_label(reason))
        );
    }
    out.push_str("</svg>");
    out
}

/// The parts of a day's automated conversations, bottom up, with their colour and legend label.
const AUTOMATION_PARTS: [(&str, &str); 3] = [
    ("#2e6b30", "Contained"),
    ("#b3261e", "False automation"),
    ("#57606a", "Not contained, otherwise"),
];

/// Stacked bars: per day, the conversations the bot resolved or answered, split into contained,
/// false automation and the rest, with a legend.
pub fn automation_chart(days: &[DayAutomation]) -> String {
    let parts = |d: &DayAutomation| {
        let f = &d.figures;
        let rest = (f.conversations - f.contained - f.false_automation).max(0);
        [f.contained, f.false_automation, rest]
    };
    let max = days
        .iter()
        .map(|d| d.figures.conversations)
        .max()
        .unwrap_or(0)
        .max(1);
    let (width, left, top, plot_h) = (720u32, 48u32, 24u32, 220u32);
    let height = top + plot_h + 40 + 22 + 10;
    let plot_w = width - left - 16;
    let slot = plot_w / to_u32(days.len().max(1));
    let bar_w = (slot * 7 / 10).max(2);
    let sum = |i: usize| -> i64 { days.iter().map(|d| parts(d).get(i).copied().unwrap_or(0)).sum() };
    let total: i64 = days.iter().map(|d| d.figures.conversations).sum();
    let span = match (days.first(), days.last()) {
        (Some(a), Some(b)) => format!(" from {} to {}", a.date, b.date),
        _ => String::new(),
    };
    let desc = format!(
        "Conversations the bot resolved or answered per day{span}: {total} in all; contained {}, \
         false automation {}, otherwise not contained {}.",
        sum(0),
        sum(1),
        sum(2)
    );
    let mut out = String::new();
    svg_open(
        &mut out,
        width,
        height,
        "automation",
        "Automated conversations per day",
        &desc,
    );
    for value in [0, max] {
        let y = top + plot_h - scaled(value, max, plot_h);
        let _ = write!(
            out,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{GRID}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"{MUTED}\" text-anchor=\"end\">{value}</text>",
            width - 16,
            left - 6,
            y + 4
        );
    }
    let label_every = (days.len() / 8).max(1);
    for (i, day) in days.iter().enumerate() {
        let x = left + slot * to_u32(i) + (slot - bar_w) / 2;
        let f = &day.figures;
        let _ = write!(
            out,
            "<g><title>{}</title>",
            xml_escape(&format!(
                "{}: {} conversations, {} contained, {} false automation",
                day.date, f.conversations, f.contained, f.false_automation
            ))
        );
        let mut y = top + plot_h;
        for (count, (colour, _)) in parts(day).iter().zip(AUTOMATION_PARTS) {
            if *count <= 0 {
                continue;
            }
            let h = scaled(*count, max, plot_h).max(1);
            y = y.saturating_sub(h);
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{bar_w}\" height=\"{h}\" fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"0.5\"/>"
            );
        }
        out.push_str("</g>");
        if i % label_every == 0 || i + 1 == days.len() {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"{MUTED}\" text-anchor=\"middle\" font-size=\"11\">{}</text>",
                x + bar_w / 2,
                top + plot_h + 16,
                xml_escape(day.date.get(5..).unwrap_or(&day.date))
            );
        }
    }
    let legend_top = top + plot_h + 34;
    for (i, (colour, label)) in AUTOMATION_PARTS.iter().enumerate() {
        let x = left + to_u32(i) * 220;
        let _ = write!(
            out,
            "<g><rect x=\"{x}\" y=\"{legend_top}\" width=\"14\" height=\"14\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"{TEXT}\">{label}</text></g>",
            x + 20,
            legend_top + 12
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use tandem_engine::insights::TeamQueue;

    /// A tiny well-formedness check: every tag closes in order, attributes are quoted, and `&`
    /// only starts an entity.
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let text = &rest[..start];
            assert!(!text.contains('>'), "a stray `>` in text: {text}");
            check_entities(text);
            let end = rest[start..].find('>').expect("an unclosed tag") + start;
            let tag = &rest[start + 1..end];
            assert!(!tag.contains('<'), "a `<` inside a tag: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name.trim()), "mismatched </{name}>");
            } else {
                let name = tag
                    .split_whitespace()
                    .next()
                    .expect("a tag name")
                    .trim_end_matches('/');
                assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes in <{tag}>");
                check_entities(tag);
                if !tag.ends_with('/') {
                    stack.push(name.to_owned());
                }
            }
            rest = &rest[end + 1..];
        }
        assert!(rest.trim().is_empty(), "text after the root: {rest}");
        assert!(stack.is_empty(), "unclosed tags: {stack:?}");
    }

    fn check_entities(text: &str) {
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "a raw `&` in {text}"
            );
        }
    }

    fn queues() -> Queues {
        Queues {
            by_status: BTreeMap::from([
                ("bot".to_owned(), 4),
                ("queued".to_owned(), 2),
                ("assigned".to_owned(), 1),
                ("resolved".to_owned(), 9),
            ]),
            by_team: vec![
                TeamQueue {
                    team_id: Some("t1".into()),
                    team: "<b>&".into(),
                    open: 3,
                },
                TeamQueue {
                    team_id: None,
                    team: "No team".into(),
                    open: 0,
                },
            ],
        }
    }

    #[test]
    fn the_queue_chart_is_well_formed_accessible_and_escaped() {
        let svg = queues_chart(&queues());
        assert_well_formed(&svg);
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "),
            "{svg}"
        );
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"queues-title\">Open conversations</title>"));
        assert!(svg.contains("<desc id=\"queues-desc\">"));
        assert!(svg.contains("&lt;b&gt;&amp;"), "{svg}");
        assert!(!svg.contains("<b>"), "{svg}");
        assert!(svg.contains("With the bot") && svg.contains(">4<"), "{svg}");
        // Resolved cases are not open.
        assert!(!svg.contains(">9<"), "{svg}");
    }

    #[test]
    fn the_handoff_chart_stacks_reasons_and_has_a_legend() {
        let daily = vec![
            DailyHandoffs {
                date: "2026-11-29".into(),
                handoffs: BTreeMap::from([("customer_request".into(), 2), ("frustration".into(), 1)]),
            },
            DailyHandoffs {
                date: "2026-11-30".into(),
                handoffs: BTreeMap::new(),
            },
        ];
        let svg = handoffs_chart(&daily);
        assert_well_formed(&svg);
        assert!(svg.contains("role=\"img\"") && svg.contains("<desc id=\"handoffs-desc\">"));
        assert!(svg.contains("3 in all"), "{svg}");
        assert_eq!(
            svg.matches(&format!("fill=\"{}\"", reason_colour("customer_request")))
                .count(),
            2,
            "bar and legend: {svg}"
        );
        assert!(
            svg.contains(">Customer request</text>") && svg.contains(">Frustration</text>"),
            "{svg}"
        );
        assert!(
            !svg.contains("Low confidence"),
            "reasons that did not occur stay out of the legend"
        );
        assert!(svg.contains("2026-11-30: none"));
        let empty = handoffs_chart(&[]);
        assert_well_formed(&empty);
        assert!(empty.contains("No handoffs in this period"));
    }

    #[test]
    fn root_causes_stack_per_day_with_a_legend_of_those_that_occurred() {
        use tandem_core::root_cause::RootCause;
        use tandem_engine::insights::root_causes::{CauseTrend, DayCount};
        let trend = |cause, counts: [i64; 2]| CauseTrend {
            cause,
            owner: "Engineering".into(),
            count: counts.iter().sum(),
            confirmed: 0,
            per_day: ["2026-12-05", "2026-12-06"]
                .iter()
                .zip(counts)
                .map(|(day, count)| DayCount {
                    day: (*day).into(),
                    count,
                })
                .collect(),
            per_week: Vec::new(),
            spike: false,
            average: 0.0,
            examples: Vec::new(),
        };
        let trends = [
            trend(RootCause::Documentation, [0, 0]),
            trend(RootCause::TechnicalDefect, [0, 1]),
        ];
        let svg = root_causes_chart(&trends);
        assert_well_formed(&svg);
        assert!(
            svg.contains("1 in all") && svg.contains(">Technical defect</text>"),
            "{svg}"
        );
        assert!(!svg.contains(">Documentation</text>"), "{svg}");
    }

    #[test]
    fn the_checker_catches_broken_markup() {
        let bad = std::panic::catch_unwind(|| assert_well_formed("<svg><g></svg>"));
        assert!(bad.is_err());
        let raw = std::panic::catch_unwind(|| assert_well_formed("<svg><text>a & b</text></svg>"));
        assert!(raw.is_err());
    }

    #[test]
    fn scaling_rounds_to_the_nearest_pixel_within_the_length() {
        assert_eq!(scaled(1, 2, 100), 50);
        assert_eq!(scaled(1, 3, 100), 33);
        assert_eq!(scaled(2, 3, 100), 67);
        assert_eq!(scaled(5, 5, 80), 80);
        assert_eq!(scaled(7, 5, 80), 80, "never beyond the length");
        assert_eq!(scaled(3, 0, 80), 0);
        assert_eq!(scaled(-1, 5, 80), 0);
    }

    #[test]
    fn escaping_covers_markup_characters() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
    }

    #[test]
    fn the_automation_chart_splits_each_day_and_describes_the_totals() {
        use tandem_engine::insights::automation::AutomationFigures;
        let day = |date: &str, conversations, contained, false_automation| DayAutomation {
            date: date.into(),
            figures: AutomationFigures {
                conversations,
                contained,
                false_automation,
                ..Default::default()
            },
        };
        let svg = automation_chart(&[day("2026-11-29", 5, 3, 1), day("2026-11-30", 0, 0, 0)]);
        assert_well_formed(&svg);
        assert!(svg.contains("<desc id=\"automation-desc\">"), "{svg}");
        assert!(
            svg.contains("5 in all; contained 3, false automation 1, otherwise not contained 1"),
            "{svg}"
        );
        assert!(svg.contains("2026-11-29: 5 conversations, 3 contained, 1 false automation"));
        // Three bars on the first day, none on the second, and the three legend keys.
        assert_eq!(svg.matches("stroke-width=\"0.5\"").count(), 3, "{svg}");
        assert!(svg.contains(">Contained</text>") && svg.contains(">False automation</text>"));
        assert_well_formed(&automation_chart(&[]));
    }
}
