//! The runner of the process-level test binaries (`faults`, `scale`): a test whose
//! component is missing shows as ignored, never as passed, and fails with CI=true.

use libtest_mimic::{Arguments, Failed, Trial};

/// A test: its name, why it cannot run here (if it cannot), and its body.
pub type Test = (&'static str, Option<String>, fn());

/// Runs the tests and exits.
pub fn run(tests: Vec<Test>) -> ! {
    let args = Arguments::from_args();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let mut skipped = Vec::new();
    let trials = tests
        .into_iter()
        .map(|(name, missing, test)| {
            if let Some(why) = &missing {
                skipped.push(format!("{name}: {why}"));
            }
            let ignore = missing.is_some() && !ci;
            Trial::test(name, move || match missing {
                Some(why) => Err(Failed::from(format!("CI=true but {why}"))),
                None => {
                    test();
                    Ok(())
                }
            })
            .with_ignored_flag(ignore)
        })
        .collect();
    let report = |when: &str| {
        for line in &skipped {
            let what = if ci { "FAILING" } else { "SKIPPED (shown as ignored)" };
            eprintln!("*** {when}{what}: {line} ***");
        }
    };
    report("");
    let conclusion = libtest_mimic::run(&args, trials);
    report("was ");
    conclusion.exit()
}
