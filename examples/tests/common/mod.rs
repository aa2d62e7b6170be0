//! What the command-line test files share: running the built `mailsec`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `mailsec ARGS`, feeding `stdin` (none: an empty input), and waits.
pub(crate) fn mailsec(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailsec"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // A command that stops reading early closes the pipe: not our concern.
    let _ = input.write_all(stdin.unwrap_or_default());
    drop(input);
    child.wait_with_output().unwrap()
}
