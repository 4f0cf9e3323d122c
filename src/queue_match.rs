//! Whether a queue as a request names it is the queue a test names.
//!
//! Faults, the journal's filters and expectations take a queue by name (`jobs`) or by
//! URL, and requests name queues by URL in whatever host form their client uses
//! (`127.0.0.1:<port>`, `localhost`, an advertised host). Only the path counts: the
//! queue's name, and the account (the path's first segment) when both sides give one.

/// The account (when the path has one) and the name of a queue URL, a path, or a bare
/// queue name.
fn account_and_name(queue: &str) -> (Option<&str>, &str) {
    let path = match queue.find("://") {
        Some(i) => queue[i + 3..].find('/').map_or("", |j| &queue[i + 3 + j..]),
        None => queue,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let first = segments.next();
    match (first, segments.next_back()) {
        (Some(account), Some(name)) => (Some(account), name),
        (Some(name), None) => (None, name),
        _ => (None, ""),
    }
}

/// Whether `named` (what a request gave) is the queue `wanted` (what a test gave).
pub(crate) fn same_queue(named: &str, wanted: &str) -> bool {
    let (named_account, named_name) = account_and_name(named);
    let (wanted_account, wanted_name) = account_and_name(wanted);
    !named_name.is_empty()
        && named_name == wanted_name
        && match (named_account, wanted_account) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}

#[cfg(test)]
mod tests {
    use super::same_queue;

    #[test]
    fn names_and_any_host_form_of_a_url_match() {
        let url = "http://127.0.0.1:4566/000000000000/jobs";
        assert!(same_queue(url, "jobs"));
        assert!(same_queue(url, "http://localhost/000000000000/jobs"));
        assert!(same_queue("jobs", url));
        assert!(same_queue(url, "/000000000000/jobs"));
        assert!(!same_queue(url, "http://localhost/111111111111/jobs"));
        assert!(!same_queue(url, "jobs2"));
        assert!(!same_queue("", "jobs"));
        // Yandex URLs carry a queue id between folder and name.
        assert!(same_queue(
            "http://h/b1g/dj6000000000000000001/jobs",
            "jobs"
        ));
    }
}
