//! The per-scenario pass/fail/skip table.

use super::wire::Protocol;

/// The verdict on one scenario over one protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Met every expectation (and matched the recording, if any).
    Pass,
    /// Failed, with why.
    Fail(String),
    /// Not run, with why.
    Skip(String),
    /// Failed in a way the profile lists as a known divergence, with its reason.
    Known(String),
}

/// One table row.
#[derive(Debug, Clone)]
pub struct Row {
    /// The scenario.
    pub scenario: String,
    /// The protocol.
    pub protocol: Protocol,
    /// The verdict.
    pub verdict: Verdict,
}

/// The table, with totals.
pub fn table(rows: &[Row]) -> String {
    let width = rows
        .iter()
        .map(|r| r.scenario.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut out = format!(
        "{:width$}  {:5}  {:7}  detail\n",
        "scenario", "proto", "result"
    );
    let (mut pass, mut fail, mut skip, mut known) = (0, 0, 0, 0);
    for row in rows {
        let (word, detail) = match &row.verdict {
            Verdict::Pass => {
                pass += 1;
                ("pass", "")
            }
            Verdict::Fail(why) => {
                fail += 1;
                ("FAIL", why.as_str())
            }
            Verdict::Skip(why) => {
                skip += 1;
                ("skip", why.as_str())
            }
            Verdict::Known(why) => {
                known += 1;
                ("known", why.as_str())
            }
        };
        let detail: String = detail.chars().take(160).collect();
        out.push_str(&format!(
            "{:width$}  {:5}  {:7}  {}\n",
            row.scenario,
            row.protocol.as_str(),
            word,
            detail.replace('\n', " ")
        ));
    }
    out.push_str(&format!(
        "\n{pass} passed, {fail} failed, {skip} skipped, {known} known divergences\n"
    ));
    out
}
