//! The demo pack that ships inside the binary, and reading a pack directory (with its problems
//! printed one a line).

use std::path::Path;

use anyhow::Context;
use include_dir::{include_dir, Dir};

/// The demo pack ("Acme Outfitters"), embedded at build time.
static DEMO_PACK: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../packs/demo");

/// Reads the pack in `dir`; its problems go to stderr, one a line.
pub fn load(dir: &Path) -> anyhow::Result<tandem_engine::pack::Pack> {
    tandem_engine::pack::load_dir(dir).map_err(|errors| {
        for problem in &errors.0 {
            eprintln!("  {problem}");
        }
        anyhow::anyhow!(
            "the pack in {} has {} problem(s); nothing was imported",
            dir.display(),
            errors.0.len()
        )
    })
}

/// The embedded demo pack, as written to DATA_DIR/packs/demo on the first start (so it can be read
/// and changed there); `tandem serve` installs it when the database has no pack yet.
pub fn demo_pack(data_dir: &Path) -> anyhow::Result<tandem_engine::pack::Pack> {
    let dir = data_dir.join("packs").join("demo");
    if !dir.join("pack.toml").exists() {
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        DEMO_PACK
            .extract(&dir)
            .with_context(|| format!("cannot write the demo pack to {}", dir.display()))?;
    }
    load(&dir)
}
