//! The container image (Containerfile), built and run where podman or
//! docker can build images; elsewhere (no engine, or a docker client
//! without a daemon, as on this project's machines) the test says so and
//! skips, CI or not: an image engine is not something CI can install.
//! What is checked without an engine: the file's stages and what they copy.

mod common;

use common::project;

use std::process::Command;

/// The first of podman and docker that answers `info`, or why none does.
fn engine() -> Result<&'static str, String> {
    let mut reasons = Vec::new();
    for engine in ["podman", "docker"] {
        match Command::new(engine).arg("info").output() {
            Ok(out) if out.status.success() => return Ok(engine),
            Ok(out) => reasons.push(format!(
                "{engine}: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("fails")
            )),
            Err(_) => reasons.push(format!("{engine}: not installed")),
        }
    }
    Err(reasons.join("; "))
}

#[test]
fn the_containerfile_builds_an_image_that_runs_citc() {
    let text = std::fs::read_to_string(project().join("Containerfile")).expect("Containerfile");
    // A build stage, then a distroless base with the binary and the licence.
    assert!(text.contains("cargo build --locked --profile dist"));
    assert!(text.contains("gcr.io/distroless/cc-debian12:nonroot"));
    assert!(text.contains("COPY --from=build /citc /usr/local/bin/citc"));
    assert!(text.contains("ENTRYPOINT [\"/usr/local/bin/citc\"]"));
    let engine = match engine() {
        Ok(engine) => engine,
        Err(why) => {
            eprintln!("skipping the image build: no podman or docker that can build ({why})");
            return;
        }
    };
    let tag = "localhost/citc-test:latest";
    let built = Command::new(engine)
        .args(["build", "--file", "Containerfile", "--tag", tag, "."])
        .current_dir(project())
        .status()
        .expect("build");
    assert!(built.success(), "{engine} build failed");
    let out = Command::new(engine)
        .args(["run", "--rm", tag, "--version"])
        .output()
        .expect("run");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.starts_with(concat!("citc ", env!("CARGO_PKG_VERSION"))),
        "{said}"
    );
    let mount = format!("{}:/work:ro", project().display());
    let out = Command::new(engine)
        .args(["run", "--rm", "-v", &mount, tag, "check", "catalog.cit"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
