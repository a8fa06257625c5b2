-- An article's lead image, as one JSON object in one nullable column (NULL: no
-- image): {"url", "alt", "caption"?, "credit"?, "width"?, "height"?}, written by
-- `domain::lead_image::LeadImage::to_stored`. One column rather than six because
-- the image is one value: it is set, replaced and cleared whole, a row can never
-- hold half of one (a caption without a URL), and it is always read with the
-- article (feeds, sitemaps, JSON-LD, responses), never filtered or sorted on; the
-- tags are stored the same way. Its members are checked by the domain type before
-- every write, on both backends alike.
ALTER TABLE articles ADD COLUMN image TEXT;
