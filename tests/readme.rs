//! The README as a new user follows it: every block fenced ```` ```sh ```` runs, in
//! order, in one bash session (`set -Eeuo pipefail`) against a fresh server on a
//! fresh SQLite file, so that a wrong example fails `cargo test`.
//!
//! - A block whose first line is `# not run by the README test: <reason>` is
//!   skipped (Docker, PostgreSQL, the test commands themselves, long runs); the
//!   run reports how many blocks ran and which were skipped.
//! - The server is the built binary, started in an empty temporary folder (so
//!   `./newsdesk.db` is new) on a free port; `http://127.0.0.1:8080` in the blocks
//!   is rewritten to that port.
//! - `cargo run [-q|--release] -- ARGS` in a block runs the built binary with ARGS in
//!   that folder; any other cargo command, or `cargo run` without a subcommand
//!   (which would start a second server), fails the test.
//! - bash, curl and jq must be installed; without them the test is ignored (with a
//!   notice), and fails with CI=true.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};

const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");
const README: &str = include_str!("../README.md");
const SKIP_MARKER: &str = "# not run by the README test:";
const DEFAULT_BASE: &str = "http://127.0.0.1:8080";
/// How long all blocks together may take before the run counts as hung.
const LIMIT: Duration = Duration::from_secs(180);

/// One ```` ```sh ```` block of the README.
#[derive(Debug, PartialEq)]
struct Block {
    /// README line of the block's first line (after the fence), counted from 1.
    line: usize,
    text: String,
    /// Why the block is not run, if it is marked so.
    skip: Option<String>,
}

/// Every `sh` block of a Markdown text, in order; a block with a malformed skip
/// marker (one that starts like the marker but is not exactly it) is an error.
fn sh_blocks(markdown: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut open: Option<(bool, usize, Vec<&str>)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let fence = line.trim_end();
        match &mut open {
            None if fence.starts_with("```") => open = Some((fence == "```sh", index + 2, Vec::new())),
            None => {}
            Some((is_sh, first, lines)) if fence == "```" => {
                if *is_sh {
                    blocks.push(block(*first, lines)?);
                }
                open = None;
            }
            Some((_, _, lines)) => lines.push(line),
        }
    }
    match open {
        Some((_, first, _)) => Err(format!("README.md line {}: a code block is never closed", first - 1)),
        None => Ok(blocks),
    }
}

fn block(line: usize, lines: &[&str]) -> Result<Block, String> {
    let first = lines.first().map_or("", |l| l.trim());
    let skip = match first.strip_prefix(SKIP_MARKER) {
        Some(reason) if !reason.trim().is_empty() => Some(reason.trim().to_owned()),
        Some(_) => return Err(format!("README.md line {line}: `{SKIP_MARKER}` needs a reason after the colon")),
        None if first.to_lowercase().starts_with("# not run") => {
            return Err(format!("README.md line {line}: a skip marker must read exactly `{SKIP_MARKER} <reason>`"));
        }
        None => None,
    };
    Ok(Block { line, text: lines.join("\n"), skip })
}

/// The bash program for the blocks to run: a prelude (strict mode, a trap that
/// names the failing line, the `cargo` stand-in), then each block, preceded by a
/// marker line. Returns it with, per program line, the README line it came from.
fn program(blocks: &[&Block], base: &str) -> (String, Vec<Option<usize>>) {
    let prelude = r#"set -Eeuo pipefail
trap 'rc=$?; printf "\nREADME-TEST-FAILED line=%s status=%s\n" "$LINENO" "$rc" >&2; exit $rc' ERR
cargo() {
  if [[ ${1-} != run ]]; then echo "README test: only 'cargo run' may be in a run block, not 'cargo $*'" >&2; return 97; fi
  shift
  while (($#)) && [[ $1 != -- ]]; do
    case $1 in -q | --quiet | --release) shift ;; *) echo "README test: unknown 'cargo run' flag $1" >&2; return 97 ;; esac
  done
  (($#)) && shift
  if (($# == 0)) || [[ $1 == serve ]]; then echo "README test: 'cargo run' would start a second server: mark the block" >&2; return 97; fi
  "$README_TEST_BIN" "$@"
}"#;
    let mut text = String::new();
    let mut origin = Vec::new();
    for line in prelude.lines() {
        text.push_str(line);
        text.push('\n');
        origin.push(None);
    }
    for block in blocks {
        text.push_str(&format!("echo '--- README.md line {}' >&2\n", block.line));
        origin.push(None);
        for (offset, line) in block.text.lines().enumerate() {
            text.push_str(&line.replace(DEFAULT_BASE, base));
            text.push('\n');
            origin.push(Some(block.line + offset));
        }
    }
    (text, origin)
}

/// A server on a free port, in (and with its SQLite file in) `dir`.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(dir: &Path) -> Result<Self, Failed> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let addr = format!("127.0.0.1:{port}");
        let log = std::fs::File::create(dir.join("server.log"))?;
        let child = clean_env(&mut Command::new(BIN))
            .current_dir(dir)
            .env("NEWSDESK_ADDR", &addr)
            .env("NEWSDESK_WORKERS", "2")
            // The discovery examples (feeds, sitemaps, JSON-LD) need a public URL.
            .env("NEWSDESK_PUBLIC_URL", "https://news.example.com")
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        let server = Self { child, addr };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !healthy(&server.addr) {
            if Instant::now() > deadline {
                return Err("the server did not become ready within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn healthy(addr: &str) -> bool {
    Command::new(BIN).args(["healthcheck", "--addr", addr]).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// Leaves out the settings of the machine the test runs on, so that the blocks see
/// what a new user's shell holds: the defaults.
fn clean_env(command: &mut Command) -> &mut Command {
    for (key, _) in std::env::vars_os() {
        if key.to_str().is_some_and(|k| k.starts_with("NEWSDESK_") || k == "DATABASE_URL" || k == "RUST_LOG") {
            command.env_remove(key);
        }
    }
    command
}

/// Runs the README's blocks; Ok with the summary line.
fn run_readme() -> Result<String, Failed> {
    let blocks = sh_blocks(README)?;
    let (run, skipped): (Vec<&Block>, Vec<&Block>) = blocks.iter().partition(|b| b.skip.is_none());
    if run.is_empty() {
        return Err("the README has no sh block to run".into());
    }
    let dir = tempfile::tempdir()?;
    // The blocks name files of the repository by relative paths (as from a clone's
    // root, where a reader runs them): the same paths resolve in the test's folder.
    std::os::unix::fs::symlink(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"), dir.path().join("tests"))?;
    let server = Server::start(dir.path())?;
    let (script, origin) = program(&run, &format!("http://{}", server.addr));
    std::fs::write(dir.path().join("readme.sh"), script)?;
    let output = std::fs::File::create(dir.path().join("output.log"))?;
    let mut bash = clean_env(&mut Command::new("bash"))
        .arg("readme.sh")
        .current_dir(dir.path())
        .env("README_TEST_BIN", BIN)
        .stdin(Stdio::null())
        .stdout(output.try_clone()?)
        .stderr(output)
        .spawn()?;
    let status = wait(&mut bash, LIMIT)?;
    let log = std::fs::read_to_string(dir.path().join("output.log"))?;
    if status.is_none_or(|s| !s.success()) {
        let server_log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
        return Err(failure(&log, &origin, status, &server_log).into());
    }
    let reasons: Vec<String> =
        skipped.iter().map(|b| format!("  line {}: {}", b.line, b.skip.as_deref().unwrap_or(""))).collect();
    Ok(format!("README: ran {} sh blocks, skipped {}:\n{}", run.len(), skipped.len(), reasons.join("\n")))
}

/// Waits for the child at most `limit`; `None` when it had to be killed.
fn wait(child: &mut Child, limit: Duration) -> std::io::Result<Option<std::process::ExitStatus>> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill()?;
    child.wait()?;
    Ok(None)
}

/// What went wrong, by README line, with what the blocks printed.
fn failure(log: &str, origin: &[Option<usize>], status: Option<std::process::ExitStatus>, server_log: &str) -> String {
    let at = log.lines().rev().find_map(|l| l.split_once("README-TEST-FAILED line=")).and_then(|(_, rest)| {
        let (line, status) = rest.split_once(" status=")?;
        let readme_line = origin.get(line.parse::<usize>().ok()?.checked_sub(1)?).copied().flatten()?;
        Some(format!("the command at README.md line {readme_line} exited {status}"))
    });
    let what = match (at, status) {
        (Some(at), _) => at,
        (None, Some(status)) => format!("the blocks exited with {status}"),
        (None, None) => format!("the blocks did not finish within {LIMIT:?}"),
    };
    let tail: Vec<&str> = server_log.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{what}\n--- what the blocks printed:\n{log}\n--- the server's last log lines:\n{}", tail.join("\n"))
}

/// The tools the blocks call that a Rust toolchain does not bring.
fn missing_tools() -> Vec<&'static str> {
    ["bash", "curl", "jq"]
        .into_iter()
        .filter(|tool| {
            Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_err()
        })
        .collect()
}

fn extractor_finds_sh_blocks_and_skip_markers() -> Result<(), Failed> {
    let text = "intro\n```sh\necho one\n```\n```json\n{}\n```\n```sh\n# not run by the README test: needs Docker\ndocker ps\n```\n";
    let blocks = sh_blocks(text)?;
    let expected = [
        Block { line: 3, text: "echo one".into(), skip: None },
        Block { line: 9, text: format!("{SKIP_MARKER} needs Docker\ndocker ps"), skip: Some("needs Docker".into()) },
    ];
    if blocks != expected {
        return Err(format!("{blocks:?}").into());
    }
    for broken in
        ["```sh\n# not run by the readme test: x\n```\n", "```sh\n# not run by the README test:\n```\n", "```sh\nls\n"]
    {
        if sh_blocks(broken).is_ok() {
            return Err(format!("accepted {broken:?}").into());
        }
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let missing = missing_tools();
    let notice = (!missing.is_empty()).then(|| format!("the README test needs {} on PATH", missing.join(", ")));
    if let Some(why) = &notice {
        eprintln!("*** {}: {why} ***", if ci { "FAILING" } else { "SKIPPED (shown as ignored)" });
    }
    let trials = vec![
        Trial::test("extractor_finds_sh_blocks_and_skip_markers", extractor_finds_sh_blocks_and_skip_markers),
        Trial::test("readme_sh_blocks_run_in_order_against_a_fresh_server", move || match notice {
            Some(why) => Err(format!("CI=true but {why}").into()),
            None => run_readme().map(|summary| println!("{summary}")),
        })
        .with_ignored_flag(!missing.is_empty() && !ci),
    ];
    libtest_mimic::run(&args, trials).exit()
}
