//! The request and response shapes of `/v1/imports`. The article itself is the
//! article representation (`Article`), kept in one field so that it moves with it.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::resource::Article;
use crate::error::Problem;

/// Query parameters of an import.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportParams {
    /// Where the page was scraped from; stored as the article's `source_url` (an
    /// NDJSON line's own `source_url` takes its place).
    #[param(value_type = Option<String>, format = "uri", example = "https://news.example.org/world/123")]
    pub source_url: Option<String>,
    /// The stored article's status: `draft` (the default), `published` or
    /// `archived`. A published import is dated by the page's date line.
    #[param(value_type = Option<String>, example = "draft")]
    pub status: Option<String>,
    /// `true`: extract and check everything, store nothing, answer 200.
    #[param(value_type = Option<bool>, example = false)]
    pub dry_run: Option<String>,
}

/// What the import could not place.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub(crate) struct ImportReport {
    /// "More:" and feature titles that name no stored article, in page order.
    pub unresolved_links: Vec<String>,
    /// Anything else left out, and why (a quotation with no speaker found, a field
    /// over its limit).
    pub warnings: Vec<String>,
}

/// The stored article (with its quotes and related links embedded) and the
/// import's report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct ImportedArticle {
    #[serde(flatten)]
    pub article: Article,
    /// What the import could not place.
    pub import: ImportReport,
}

/// One line of an NDJSON import request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Thursday, 28 Mar 2024\n\nHeadline\n\nStandfirst.\n\nBody.", "source_url": "https://news.example.org/world/123"}))]
pub(crate) struct ImportLine {
    /// The page text.
    pub text: String,
    /// Where the page was scraped from.
    #[schema(format = "uri")]
    pub source_url: Option<String>,
}

/// One line of an NDJSON import answer, for the request line of the same number.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"line": 1, "status": 201, "id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a", "location": "/v1/articles/0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a", "import": {"unresolved_links": [], "warnings": []}}))]
pub(crate) struct ImportResultLine {
    /// The request line's number, from 1.
    #[schema(minimum = 1)]
    pub line: usize,
    /// The status this page alone would have been answered with.
    pub status: u16,
    /// The stored article's id (not on a dry run or a problem).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// The stored article's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// What the import could not place (not on a problem).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportReport>,
    /// Why the page was not imported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}
