//! Domain block lists in Mastodon's CSV format, so admins can move lists
//! between Mastodon, GoToSocial and Intercoop, and share them.
//!
//! Mastodon writes `#domain,#severity,#reject_media,#reject_reports,
//! #public_comment,#obfuscate`, with severity `suspend`, `silence` (its
//! name for limit) or `noop`. Older lists are one domain per line and mean
//! suspend. Intercoop has no media to reject, so those columns are written
//! as `false` and ignored on import.

use super::limits::BLOCKLIST_ROWS_MAX;
use super::node::normalize_domain;
use super::policy::{DomainBlock, Severity};

/// One row of an imported list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedBlock {
    pub domain: String,
    pub severity: Severity,
    pub public_comment: String,
}

/// What an imported list holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BlockList {
    pub blocks: Vec<ListedBlock>,
    /// `noop` rows (Mastodon's "reject media only"): nothing to enforce here.
    pub noop: usize,
}

pub const HEADER: [&str; 6] = [
    "#domain",
    "#severity",
    "#reject_media",
    "#reject_reports",
    "#public_comment",
    "#obfuscate",
];

fn column(header: &csv::StringRecord, name: &str) -> Option<usize> {
    header.iter().position(|h| {
        let h = h.trim().to_ascii_lowercase();
        h.trim_start_matches('#') == name
    })
}

/// Reads a list; any bad row refuses the whole list, naming its line.
pub fn parse(text: &str) -> Result<BlockList, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(None)
        .from_reader(text.as_bytes());
    let mut list = BlockList::default();
    let mut columns = None;
    let mut rows = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| format!("not a CSV block list: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let header = (rows == 0 && columns.is_none())
            .then(|| column(&record, "domain"))
            .flatten();
        if let Some(domain_at) = header {
            columns = Some((
                domain_at,
                column(&record, "severity"),
                column(&record, "public_comment"),
            ));
            continue;
        }
        rows += 1;
        if rows > BLOCKLIST_ROWS_MAX {
            return Err(format!(
                "a block list may have at most {BLOCKLIST_ROWS_MAX} rows"
            ));
        }
        let (domain_at, severity_at, comment_at) = columns.unwrap_or((0, None, None));
        let field = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("");
        let raw = field(Some(domain_at));
        let domain = normalize_domain(raw.trim_start_matches("*."))
            .map_err(|e| format!("line {line}: {e}"))?;
        let severity = match field(severity_at).to_ascii_lowercase().as_str() {
            "" | "suspend" => Severity::Suspend,
            "silence" | "limit" => Severity::Limit,
            "noop" => {
                list.noop += 1;
                continue;
            }
            other => {
                return Err(format!(
                    "line {line}: severity '{other}' is not suspend, silence, limit or noop"
                ))
            }
        };
        list.blocks.push(ListedBlock {
            domain,
            severity,
            public_comment: field(comment_at).to_string(),
        });
    }
    Ok(list)
}

/// Writes blocks the way Mastodon exports them.
pub fn write(blocks: &[DomainBlock]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail, so errors are only possible for
    // malformed records, which these are not.
    let _ = writer.write_record(HEADER);
    for b in blocks {
        let severity = match b.severity {
            Severity::Suspend => "suspend",
            Severity::Limit => "silence",
        };
        let _ = writer.write_record([
            b.domain.as_str(),
            severity,
            "false",
            "false",
            b.public_comment.as_str(),
            "false",
        ]);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_mastodon_export() {
        let text = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
                    spam.example,suspend,true,true,\"Spam, and lots of it\",false\n\
                    Loud.Example,silence,false,false,,false\n\
                    pics.example,noop,true,false,,false\n";
        let list = parse(text).unwrap();
        assert_eq!(
            list.blocks,
            vec![
                ListedBlock {
                    domain: "spam.example".into(),
                    severity: Severity::Suspend,
                    public_comment: "Spam, and lots of it".into(),
                },
                ListedBlock {
                    domain: "loud.example".into(),
                    severity: Severity::Limit,
                    public_comment: String::new(),
                },
            ]
        );
        assert_eq!(list.noop, 1);
    }

    #[test]
    fn a_plain_list_of_domains_means_suspend() {
        let list = parse("a.example\n\nb.example\n").unwrap();
        assert_eq!(list.blocks.len(), 2);
        assert!(list.blocks.iter().all(|b| b.severity == Severity::Suspend));
    }

    #[test]
    fn columns_are_found_by_name_in_any_order() {
        let list = parse("#severity,#domain,#public_comment\nsilence,x.example,noisy\n").unwrap();
        assert_eq!(list.blocks[0].domain, "x.example");
        assert_eq!(list.blocks[0].severity, Severity::Limit);
        assert_eq!(list.blocks[0].public_comment, "noisy");
    }

    #[test]
    fn a_bad_row_refuses_the_list_and_names_its_line() {
        let e = parse("#domain,#severity\nok.example,suspend\nnot a domain,suspend\n").unwrap_err();
        assert!(e.starts_with("line 3:"), "{e}");
        let e = parse("#domain,#severity\nok.example,ban\n").unwrap_err();
        assert!(e.contains("severity 'ban'"), "{e}");
    }

    #[test]
    fn export_reads_back_the_same() {
        let at = chrono::NaiveDateTime::default();
        let blocks = vec![
            DomainBlock {
                domain: "spam.example".into(),
                severity: Severity::Suspend,
                public_comment: "said \"hi\", then spam".into(),
                created_at: at,
            },
            DomainBlock {
                domain: "loud.example".into(),
                severity: Severity::Limit,
                public_comment: String::new(),
                created_at: at,
            },
        ];
        let text = write(&blocks);
        assert!(text.starts_with(
            "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
        ));
        assert!(text.contains("loud.example,silence,false,false,,false"));
        let back = parse(&text).unwrap();
        assert_eq!(back.blocks.len(), 2);
        assert_eq!(back.blocks[0].public_comment, "said \"hi\", then spam");
        assert_eq!(back.blocks[1].severity, Severity::Limit);
    }
}

#[cfg(test)]
mod proptests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    fn severity() -> impl Strategy<Value = Severity> {
        prop_oneof![Just(Severity::Suspend), Just(Severity::Limit)]
    }

    /// Blocks with distinct domains and any comment (commas, quotes,
    /// newlines and non-ASCII included), as an admin may type them.
    fn blocks() -> impl Strategy<Value = Vec<DomainBlock>> {
        prop::collection::btree_map(
            "[a-z][a-z0-9-]{0,12}(\\.[a-z]{2,6}){1,2}",
            (severity(), any::<String>()),
            0..20,
        )
        .prop_map(|m: BTreeMap<String, (Severity, String)>| {
            m.into_iter()
                .map(|(domain, (severity, comment))| DomainBlock {
                    domain,
                    severity,
                    public_comment: comment.trim().to_string(),
                    created_at: chrono::NaiveDateTime::default(),
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_text_read_as_a_block_list_never_panics(text in any::<String>()) {
            if let Ok(list) = parse(&text) {
                prop_assert!(list.blocks.len() <= BLOCKLIST_ROWS_MAX);
                for b in &list.blocks {
                    prop_assert_eq!(normalize_domain(&b.domain).ok(), Some(b.domain.clone()));
                }
            }
        }

        #[test]
        fn csv_like_text_read_as_a_block_list_never_panics(
            rows in prop::collection::vec(prop::collection::vec("[^\n]{0,20}", 0..8), 0..12)
        ) {
            let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
            let _ = parse(&text);
        }

        #[test]
        fn what_we_export_imports_as_it_was(blocks in blocks()) {
            let list = parse(&write(&blocks)).map_err(TestCaseError::fail)?;
            let read: Vec<(String, Severity, String)> = list
                .blocks
                .into_iter()
                .map(|b| (b.domain, b.severity, b.public_comment))
                .collect();
            let written: Vec<(String, Severity, String)> = blocks
                .into_iter()
                .map(|b| (b.domain, b.severity, b.public_comment))
                .collect();
            prop_assert_eq!(read, written);
            prop_assert_eq!(list.noop, 0);
        }
    }
}
