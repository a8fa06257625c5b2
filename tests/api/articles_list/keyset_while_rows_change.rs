//! Articles list: keyset pagination while rows come and go.

use super::*;

pub(super) async fn keyset_paging_newest_first_neither_skips_nor_repeats_rows_while_others_come_and_go(app: TestApp) {
    let mut live = seed_for_paging(&app).await;

    page_while_rows_come_and_go(&app, "published", "-published_at", &mut live).await;
}

pub(super) async fn keyset_paging_oldest_first_with_undated_drafts_neither_skips_nor_repeats_rows(app: TestApp) {
    let mut live = seed_for_paging(&app).await;

    page_while_rows_come_and_go(&app, "any", "published_at", &mut live).await;
}

pub(super) async fn keyset_paging_newest_first_with_undated_drafts_neither_skips_nor_repeats_rows(app: TestApp) {
    let mut live = seed_for_paging(&app).await;

    page_while_rows_come_and_go(&app, "any", "-published_at", &mut live).await;
}

pub(super) async fn keyset_paging_by_updated_at_neither_skips_nor_repeats_rows(app: TestApp) {
    let mut live = seed_for_paging(&app).await;
    // Change two rows so that the update order differs from the creation order.
    for index in [0, 5] {
        let reply = app.patch(&format!("{LIST}/{}", id_of(&live[index])), &json!({"summary": "Changed."})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        live[index] = reply.body;
    }

    page_while_rows_come_and_go(&app, "any", "-updated_at", &mut live).await;
    page_while_rows_come_and_go(&app, "any", "updated_at", &mut live).await;
    page_while_rows_come_and_go(&app, "published", "updated_at", &mut live).await;
}
