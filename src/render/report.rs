//! The allocation report as CSV, for spreadsheets: RFC 4180 as is, or for a Danish Excel, which
//! expects `;` between fields, a decimal comma, and a byte-order mark to read UTF-8 (æ, ø, å).

use crate::domain::allocation::{AllocationStatus, Recurrence};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvVariant {
    /// `,` and a decimal point, English column names.
    Standard,
    /// `;` and a decimal comma, a byte-order mark, Danish column names.
    DanishExcel,
}

/// One line: what one unit pays into one allocation in the year.
pub struct ReportRow<'a> {
    pub year: i32,
    pub group_id: i64,
    pub group_name: &'a str,
    pub allocation_id: i64,
    pub title: &'a str,
    pub kind: Recurrence,
    pub status: AllocationStatus,
    pub price_year: Option<i32>,
    pub share_ore: i64,
}

const STANDARD: [&str; 9] =
    ["year", "group_id", "unit", "allocation_id", "allocation", "kind", "status", "price_year", "amount_dkk"];
const DANISH: [&str; 9] =
    ["År", "Enhed id", "Enhed", "Fordeling id", "Fordeling", "Art", "Status", "Prisniveau", "Beløb (kr.)"];

/// Text a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or a carriage return
/// first) is prefixed with `'`, so that a title cannot run as one when the file is opened.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

pub fn csv(rows: &[ReportRow<'_>], variant: CsvVariant) -> Result<Vec<u8>, csv::Error> {
    let danish = variant == CsvVariant::DanishExcel;
    let mut out = Vec::new();
    if danish {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(if danish { b';' } else { b',' })
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(if danish { DANISH } else { STANDARD })?;
    for row in rows {
        writer.write_record([
            row.year.to_string(),
            row.group_id.to_string(),
            cell(row.group_name),
            row.allocation_id.to_string(),
            cell(row.title),
            row.kind.as_ref().to_owned(),
            row.status.as_ref().to_owned(),
            row.price_year.map(|y| y.to_string()).unwrap_or_default(),
            kroner(row.share_ore, danish),
        ])?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

/// Øre as kroner with two decimals: `1234567` → `"12345.67"`, or with a decimal comma for Danish
/// spreadsheets (`"12345,67"`). No thousands separators, so that spreadsheets read them as numbers.
fn kroner(ore: i64, decimal_comma: bool) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let abs = ore.unsigned_abs();
    let separator = if decimal_comma { ',' } else { '.' };
    format!("{sign}{}{separator}{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(title: &'a str, share_ore: i64) -> ReportRow<'a> {
        ReportRow {
            year: 2021,
            group_id: 7,
            group_name: "Økonomistaben",
            allocation_id: 3,
            title,
            kind: Recurrence::Annual,
            status: AllocationStatus::Approved,
            price_year: Some(2021),
            share_ore,
        }
    }

    #[test]
    fn standard_and_danish_excel() {
        let rows = [row("MARS, mellemkommunale betalinger", 2_767_800)];
        let standard = String::from_utf8(csv(&rows, CsvVariant::Standard).unwrap()).unwrap();
        assert_eq!(
            standard,
            "year,group_id,unit,allocation_id,allocation,kind,status,price_year,amount_dkk\r\n\
             2021,7,Økonomistaben,3,\"MARS, mellemkommunale betalinger\",annual,approved,2021,27678.00\r\n"
        );
        let danish = String::from_utf8(csv(&rows, CsvVariant::DanishExcel).unwrap()).unwrap();
        assert!(danish.starts_with('\u{feff}'));
        assert!(
            danish.ends_with("7;Økonomistaben;3;MARS, mellemkommunale betalinger;annual;approved;2021;27678,00\r\n")
        );
    }

    #[test]
    fn kroner_with_two_decimals() {
        assert_eq!(kroner(2_767_800, false), "27678.00");
        assert_eq!(kroner(1_774_194, true), "17741,94");
        assert_eq!(kroner(5, false), "0.05");
        assert_eq!(kroner(-150, true), "-1,50");
    }

    #[test]
    fn a_title_cannot_become_a_formula() {
        let rows = [row("=HYPERLINK(\"http://evil\")", 1)];
        let text = String::from_utf8(csv(&rows, CsvVariant::DanishExcel).unwrap()).unwrap();
        assert!(text.contains("'=HYPERLINK"), "{text}");
    }
}
