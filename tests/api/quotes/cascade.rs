//! Quotes: cascade.

use super::*;

pub(super) async fn deleting_the_article_deletes_its_quotes(app: TestApp) {
    let doomed = article(&app, "doomed").await;
    let kept = article(&app, "kept").await;
    let gone = app.add_quote(&doomed, &json!({"text": "The bridge collapsed.", "speaker_name": "Mayor Han"})).await;
    let gone_too = add_text(&app, &doomed, "Second quote.").await;
    let stays = app.add_quote(&kept, &json!({"text": "The bridge stood.", "speaker_name": "Mayor Han"})).await;

    assert_eq!(app.delete("/v1/articles/doomed").await.status, 204);

    app.get(&quote_path(&gone)).await.assert_problem(404, "not-found");
    app.get(&quote_path(&gone_too)).await.assert_problem(404, "not-found");
    app.delete(&quote_path(&gone)).await.assert_problem(404, "not-found");
    app.get(&quotes_path(&doomed)).await.assert_problem(404, "not-found");
    assert_eq!(ids(&search(&app, &[("speaker", "mayor han")]).await.items()), [id_of(&stays)]);
    assert_eq!(ids(&search(&app, &[("q", "bridge")]).await.items()), [id_of(&stays)]);
    assert_eq!(ids(&search(&app, &[("article", doomed.as_str())]).await.items()), Vec::<String>::new());
    assert_eq!(ids(&search(&app, &[]).await.items()), [id_of(&stays)]);
    assert_eq!(app.quotes(&kept).await, vec![stays]);
}
