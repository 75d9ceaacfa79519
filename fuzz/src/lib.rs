//! What the fuzz targets share: the bundled sample catalog, loaded once.

use std::sync::OnceLock;

/// The sample catalog (`content/sample-shop.json`), loaded on first use.
pub fn sample() -> &'static inscene::Catalog {
    static CATALOG: OnceLock<inscene::Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let json = include_str!("../../content/sample-shop.json");
        inscene::Catalog::from_json(json).expect("the sample loads")
    })
}
