//! The README's Rust examples, each copied verbatim into a file of `readme/`, so that they
//! keep compiling and passing. `readme_examples_are_tested_verbatim` fails when the README
//! and these files drift apart. (rustfmt leaves these files alone: see `main.rs`.)

mod accounts;
mod first_test;
mod shared_fake;
mod worker;

/// The ```rust blocks of a Markdown text.
fn rust_blocks(markdown: &str) -> Vec<&str> {
    markdown
        .split("```rust\n")
        .skip(1)
        .map(|rest| &rest[..rest.find("```").expect("a closed code block")])
        .collect()
}

#[test]
fn readme_examples_are_tested_verbatim() {
    let readme = include_str!("../../README.md");
    let files = [
        include_str!("readme/first_test.rs"),
        include_str!("readme/worker.rs"),
        include_str!("readme/shared_fake.rs"),
        include_str!("readme/accounts.rs"),
    ];
    assert_eq!(rust_blocks(readme), files);
}
