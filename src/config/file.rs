//! The config file: TOML, one `[[queue]]` table per [`QueueConfig`], read with serde
//! into the same type the builder takes. The `toml` crate's parse tree keeps where each
//! key was written, so errors found later (a value CreateQueue refuses) still name the
//! line.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{ConfigError, Origin, Place, QueueConfig};

/// The file as a whole.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    queue: Vec<QueueConfig>,
}

/// Reads and parses the file at `path`.
pub(crate) fn read(path: &Path) -> Result<Vec<QueueConfig>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: Some(path.to_path_buf()),
        line: None,
        column: None,
        reason: format!("cannot read it: {e}"),
    })?;
    parse(&text, Some(path))
}

/// Parses `text`, read from `file`.
pub(crate) fn parse(text: &str, file: Option<&Path>) -> Result<Vec<QueueConfig>, ConfigError> {
    let error = |span: Option<std::ops::Range<usize>>, reason: &str| {
        let place = span.map(|s| place(text, s.start));
        ConfigError {
            file: file.map(Path::to_path_buf),
            line: place.map(|p| p.line),
            column: place.map(|p| p.column),
            reason: reason.trim_end().to_owned(),
        }
    };
    let parsed: File = toml::from_str(text).map_err(|e| error(e.span(), e.message()))?;
    let tree = DeTable::parse(text).map_err(|e| error(e.span(), e.message()))?;
    let tables = tree.get_ref().get("queue").map(|q| q.get_ref());
    let file: Option<Arc<Path>> = file.map(Arc::from);
    Ok(parsed
        .queue
        .into_iter()
        .enumerate()
        .map(|(i, mut queue)| {
            let table = tables.and_then(|t| t.get(i));
            queue.origin = origin(text, file.clone(), table);
            queue
        })
        .collect())
}

/// Where the `[[queue]]` table `table` and its fields are.
fn origin(text: &str, file: Option<Arc<Path>>, table: Option<&Spanned<DeValue<'_>>>) -> Origin {
    let mut origin = Origin {
        file,
        table: table.map(|t| place(text, t.span().start)),
        ..Origin::default()
    };
    let Some(fields) = table.and_then(|t| t.get_ref().as_table()) else {
        return origin;
    };
    for (key, value) in fields.iter() {
        let key_name = key.get_ref().to_string();
        origin
            .fields
            .insert(key_name.clone(), place(text, key.span().start));
        if let Some(inner) = value.get_ref().as_table() {
            for (inner_key, _) in inner.iter() {
                origin.fields.insert(
                    format!("{key_name}.{}", inner_key.get_ref()),
                    place(text, inner_key.span().start),
                );
            }
        }
    }
    origin
}

/// The line and column of byte `offset` of `text`, from 1 (columns count characters).
fn place(text: &str, offset: usize) -> Place {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Place {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
# Two queues and a dead-letter queue.
[[queue]]
name = "jobs"
attributes = { VisibilityTimeout = 30, ReceiveMessageWaitTimeSeconds = "5" }
dead_letter = { queue = "jobs-dlq", max_receive_count = 3 }

[[queue]]
name = "jobs-dlq"
tags.team = "billing"
"#;

    #[test]
    fn fields_read_into_the_builders_type_and_keep_their_lines() {
        let queues = parse(FILE, Some(Path::new("queues.toml"))).unwrap();
        assert_eq!(queues.len(), 2);
        let jobs = &queues[0];
        assert_eq!(jobs.attributes["VisibilityTimeout"], "30");
        assert_eq!(jobs.attributes["ReceiveMessageWaitTimeSeconds"], "5");
        assert_eq!(jobs.dead_letter.as_ref().unwrap().max_receive_count, 3);
        assert_eq!(jobs.origin.table.unwrap().line, 3);
        assert_eq!(jobs.origin.fields["name"], Place { line: 4, column: 1 });
        assert_eq!(
            jobs.origin.fields["attributes.VisibilityTimeout"],
            Place {
                line: 5,
                column: 16
            }
        );
        assert_eq!(queues[1].origin.fields["tags.team"].line, 10);
        assert_eq!(queues[1].tags["team"], "billing");
    }

    #[test]
    fn a_file_toml_cannot_read_or_an_unknown_field_is_an_error_at_its_line() {
        let err = parse("[[queue]]\nname = \"a\"\nvisibility = 3\n", None).unwrap_err();
        assert_eq!((err.line, err.column), (Some(3), Some(1)));
        assert!(
            err.reason.starts_with("unknown field `visibility`"),
            "{err}"
        );

        let err = parse("[[queue]]\nname = \"a\n", Some(Path::new("q.toml"))).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.to_string().starts_with("q.toml:2:"), "{err}");

        let err = parse(
            "[[queue]]\nname = \"a\"\nattributes = { DelaySeconds = [] }\n",
            None,
        )
        .map(|q| q[0].attributes.clone());
        assert_eq!(err.unwrap()["DelaySeconds"], "[]", "the engine refuses it");
    }

    #[test]
    fn places_count_lines_and_characters_from_one() {
        assert_eq!(place("ab\ncé d", 7), Place { line: 2, column: 4 });
        assert_eq!(place("", 0), Place { line: 1, column: 1 });
    }
}
