//! Every row of every table, read with SQL (not through the API), so a test can
//! prove that a refused request changed nothing at all.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use newsdesk::db::DbConn;

use crate::helpers::TestApp;

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

/// `table: row` lines for every row of every table (the migrations table, the
/// search indexes and any table added later included), sorted.
pub fn all_rows(app: &TestApp) -> Vec<String> {
    app.db
        .blocking(|conn| {
            Ok(match conn {
                DbConn::Pg(pg) => pg_rows(pg)?,
                DbConn::Sqlite(sqlite) => sqlite_rows(sqlite)?,
            })
        })
        .expect("dump the database")
}

#[derive(QueryableByName)]
struct Behind {
    #[diesel(sql_type = BigInt)]
    behind: i64,
}

/// Waits until the webhook fan-out has read every change record written so far.
/// The fan-out moves its position in the background, on its own timer, after the
/// writes that set a test up: a dump taken before it caught up would see that
/// position change under a request that changed nothing.
pub async fn fan_out_caught_up(app: &TestApp) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let behind = app
            .db
            .blocking(|conn| {
                let sql = "SELECT (SELECT COUNT(*) FROM changes \
                           WHERE seq > (SELECT last_seq FROM webhook_fanout WHERE id = 1)) AS behind";
                Ok(diesel::sql_query(sql).get_result::<Behind>(conn)?.behind)
            })
            .expect("read the fan-out position");
        if behind == 0 {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "the webhook fan-out is still {behind} records behind");
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn pg_rows(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    let tables = diesel::sql_query(
        "SELECT table_name AS line FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .load::<Line>(conn)?;
    let mut rows = Vec::new();
    for table in tables {
        // A whole row as text, whatever its columns.
        let query = format!(r#"SELECT '{0}: ' || t::text AS line FROM "{0}" t ORDER BY 1"#, table.line);
        rows.extend(diesel::sql_query(query).load::<Line>(conn)?.into_iter().map(|l| l.line));
    }
    Ok(rows)
}

fn sqlite_rows(conn: &mut SqliteConnection) -> QueryResult<Vec<String>> {
    let tables = diesel::sql_query("SELECT name AS line FROM sqlite_master WHERE type = 'table' ORDER BY 1")
        .load::<Line>(conn)?;
    let mut rows = Vec::new();
    for table in tables {
        let columns =
            diesel::sql_query(format!("SELECT name AS line FROM pragma_table_info('{}') ORDER BY cid", table.line))
                .load::<Line>(conn)?;
        // quote() renders any value (text, number, blob, NULL) as a literal.
        let values: Vec<String> = columns.iter().map(|c| format!(r#"quote("{}")"#, c.line)).collect();
        let query =
            format!(r#"SELECT '{0}: ' || {1} AS line FROM "{0}" ORDER BY 1"#, table.line, values.join(" || ',' || "));
        rows.extend(diesel::sql_query(query).load::<Line>(conn)?.into_iter().map(|l| l.line));
    }
    Ok(rows)
}
