//! The session of `cli/README.md`, run as written: every `sh` block that
//! starts with a comment, in order, in one fresh directory and one shell
//! (so `$CTX` and the files carry over), with the built `vaultseal` first on
//! `PATH`. Every command must exit 0, and print (standard output and error,
//! merged) exactly the `#   ` lines the README shows after it, `…` standing
//! for any text within a line, or for any lines when it is a line of its
//! own; a command shown without output must print nothing.

use std::path::Path;
use std::process::Command;

use super::Sandbox;

/// One command of the session and the output the README shows for it.
#[derive(Debug)]
struct Step {
    command: String,
    expected: Vec<String>,
}

/// The `sh` blocks of `markdown` that start with a comment (the session's;
/// the install block starts with a command).
fn session_blocks(markdown: &str) -> Vec<Vec<&str>> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if line.trim_end() == "```sh" {
            let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim_end() != "```").collect();
            if block.first().is_some_and(|first| first.starts_with("# ")) {
                blocks.push(block);
            }
        }
    }
    blocks
}

/// The steps of a block: a command is a line that is not a comment, with
/// its continuations (a trailing `\`, or the lines of a `( … )` group up to
/// the line that closes it); the `#   ` lines right after it are its output.
fn steps(block: &[&str]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut lines = block.iter();
    while let Some(&line) = lines.next() {
        if let Some(shown) = line.strip_prefix("#   ") {
            let step = steps.last_mut().expect("output shown before any command");
            step.expected.push(shown.to_owned());
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            // Narrative: it ends the previous command's output.
            if let Some(step) = steps.last_mut() {
                step.expected.push(String::from("\u{0}end"));
            }
            continue;
        }
        let mut command = line.to_owned();
        let group = line.starts_with('(');
        while command.ends_with('\\') || (group && !closes_group(&command)) {
            let next = lines.next().expect("a command continues past its block");
            command.push('\n');
            command.push_str(next);
        }
        steps.push(Step { command, expected: Vec::new() });
    }
    for step in &mut steps {
        // Output lines come before any narrative line.
        if let Some(end) = step.expected.iter().position(|l| l == "\u{0}end") {
            assert!(
                step.expected[end..].iter().all(|l| l == "\u{0}end"),
                "output shown after a comment, for: {}",
                step.command
            );
            step.expected.truncate(end);
        }
    }
    steps
}

/// Whether a `( … )` group's text is complete (its parentheses balance).
fn closes_group(command: &str) -> bool {
    let opened = command.matches('(').count();
    let closed = command.matches(')').count();
    opened == closed
}

/// Whether `line` matches `pattern`, where `…` matches any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split('…');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = line.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Whether `lines` match `patterns`, where a pattern `…` matches any lines.
fn lines_match(patterns: &[String], lines: &[&str]) -> bool {
    match patterns.split_first() {
        None => lines.is_empty(),
        Some((first, rest)) if first == "…" => {
            (0..=lines.len()).any(|skip| lines_match(rest, &lines[skip..]))
        }
        Some((first, rest)) => lines
            .split_first()
            .is_some_and(|(line, more)| line_matches(first, line) && lines_match(rest, more)),
    }
}

/// The marker printed after each step: its number and exit status.
const MARKER: &str = "@@vaultseal-readme-step";

#[test]
fn matchers_match_what_they_should() {
    assert!(line_matches(
        "sealed deploy key SHA256:… to 1 vault: d",
        "sealed deploy key SHA256:x to 1 vault: d"
    ));
    assert!(!line_matches(
        "sealed deploy key SHA256:… to 1 vault: d",
        "sealed deploy key SHA256:x to 2 vaults: d"
    ));
    assert!(line_matches("…", "anything"));
    assert!(!line_matches("OK a", "OK ab"));
    let patterns = |p: &[&str]| p.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert!(lines_match(&patterns(&["a", "…", "d"]), &["a", "b", "c", "d"]));
    assert!(lines_match(&patterns(&["a", "…", "d"]), &["a", "d"]));
    assert!(!lines_match(&patterns(&["a", "…", "d"]), &["a", "b"]));
    assert!(!lines_match(&patterns(&[]), &["unexpected"]));
    let parsed = steps(&["# x", "cmd a \\", "  --b", "#   out", "(echo 1;", " echo 2) > f", "# y"]);
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[0].command, "cmd a \\\n  --b");
    assert_eq!(parsed[0].expected, ["out"]);
    assert_eq!(parsed[1].command, "(echo 1;\n echo 2) > f");
    assert!(parsed[1].expected.is_empty());
}

#[test]
fn readme_session_runs_as_written() {
    let readme = include_str!("../../README.md");
    let blocks = session_blocks(readme);
    assert_eq!(blocks.len(), 3, "the README's session is three sh blocks");
    let steps: Vec<Step> = blocks.iter().flat_map(|block| steps(block)).collect();
    assert!(steps.len() >= 15, "{} steps", steps.len());

    let mut script = String::from("set -u\n");
    for (i, step) in steps.iter().enumerate() {
        script.push_str(&format!("{{\n{}\n}} 2>&1\necho \"{MARKER} {i} $?\"\n", step.command));
    }
    let sandbox = Sandbox::new("readme");
    let bin = Path::new(env!("CARGO_BIN_EXE_vaultseal")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&sandbox.dir)
        .env("PATH", path)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);

    let mut outputs: Vec<Vec<&str>> = vec![Vec::new()];
    let mut statuses = Vec::new();
    for line in stdout.lines() {
        match line.strip_prefix(MARKER) {
            Some(rest) => {
                let status: i32 = rest.split_whitespace().nth(1).unwrap().parse().unwrap();
                statuses.push(status);
                outputs.push(Vec::new());
            }
            None => outputs.last_mut().unwrap().push(line),
        }
    }
    assert_eq!(statuses.len(), steps.len(), "every step ran\n{stdout}");
    for ((step, status), output) in steps.iter().zip(&statuses).zip(&outputs) {
        assert_eq!(*status, 0, "`{}` failed:\n{}", step.command, output.join("\n"));
        assert!(
            lines_match(&step.expected, output),
            "`{}` printed\n{}\nbut the README shows\n{}",
            step.command,
            output.join("\n"),
            step.expected.join("\n")
        );
    }
    // What the session says it leaves behind.
    for file in [
        "opened/config.deploy-key",
        "opened/code.webhook-secret",
        "deploy.opened",
        "shares1/config.key-share",
        "shares2/code.key-share",
        "config.key",
    ] {
        assert!(sandbox.path(file).exists(), "{file}");
    }
}
