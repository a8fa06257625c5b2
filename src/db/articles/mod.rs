//! Article rows and the synchronous queries on them.

mod list;
pub(crate) mod lookup;
mod write;

pub use list::list;
pub use lookup::{ArticleKey, ArticleRow, find, find_visible, is_visible};
pub use write::{NewChildren, create, delete, update};
