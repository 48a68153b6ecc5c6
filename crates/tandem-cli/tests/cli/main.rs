//! The `tandem` binary as people run it: real processes on a temporary data directory.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod models;
mod quality;
mod topics;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A data directory with the demo pack imported.
pub struct Data {
    dir: tempfile::TempDir,
}

impl Data {
    pub fn with_demo_pack() -> Self {
        let data = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/demo");
        data.ok(&["import", pack.to_str().unwrap()]);
        data
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Runs `tandem ARGS --data-dir DIR`.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(args)
            .arg("--data-dir")
            .arg(self.path())
            .env_remove("TANDEM_DATABASE_URL")
            .env_remove("TANDEM_CONFIG")
            .env("TANDEM_LOG", "error")
            .output()
            .unwrap()
    }

    /// Runs a command that must succeed; returns its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "tandem {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must fail; returns its standard error.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "tandem {args:?} succeeded: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    /// Creates a staff account.
    pub fn user(&self, email: &str, role: &str) {
        self.ok(&[
            "user",
            "add",
            "--email",
            email,
            "--name",
            "Someone",
            "--role",
            role,
            "--password",
            "a long enough password",
        ]);
    }
}
