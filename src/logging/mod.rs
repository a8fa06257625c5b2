//! Log output: env_logger's plain lines, or with `NEWSDESK_LOG_FORMAT=json` one JSON
//! object per line carrying the record's structured fields (method, route, status,
//! latency, request id on the access log), either way to standard error through
//! [`sink`], off the request path.

use std::io::{IsTerminal, Write};

use env_logger::WriteStyle;

use log::kv::{Key, Value, VisitSource};

mod sink;

pub use sink::flush;

/// How log records are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Starts logging; `RUST_LOG` filters (default `info`).
pub fn init(format: LogFormat) {
    let mut builder = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    if format == LogFormat::Json {
        builder.format(|buf, record| {
            let mut line = serde_json::Map::new();
            line.insert("ts".into(), chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true).into());
            line.insert("level".into(), record.level().as_str().into());
            line.insert("target".into(), record.target().into());
            line.insert("msg".into(), record.args().to_string().into());
            let mut fields = Fields(&mut line);
            // Collecting into a map cannot fail.
            let _ = record.key_values().visit(&mut fields);
            writeln!(buf, "{}", serde_json::Value::Object(line))
        });
    }
    // Colour only for a person at a terminal, as env_logger decides for stderr.
    let style = if std::io::stderr().is_terminal() { WriteStyle::Always } else { WriteStyle::Never };
    builder.write_style(style).target(env_logger::Target::Pipe(Box::new(sink::Sink::new())));
    builder.init();
}

struct Fields<'a>(&'a mut serde_json::Map<String, serde_json::Value>);

impl<'kvs> VisitSource<'kvs> for Fields<'_> {
    fn visit_pair(&mut self, key: Key<'kvs>, value: Value<'kvs>) -> Result<(), log::kv::Error> {
        let json = if let Some(n) = value.to_u64() {
            n.into()
        } else if let Some(n) = value.to_i64() {
            n.into()
        } else if let Some(f) = value.to_f64() {
            serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)
        } else {
            value.to_string().into()
        };
        self.0.insert(key.as_str().to_owned(), json);
        Ok(())
    }
}
