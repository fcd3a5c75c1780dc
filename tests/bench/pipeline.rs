//! The pipeline benchmark: `cargo bench --bench pipeline`.
//!
//! Times parse, resolve, check, and the streamed lower → render → write
//! (each step summed over the resources, and the whole as wall time), on
//! the real catalog and on synthetic catalogs 10x, 100x and 1000x its size
//! (more series, more preferences with deeper inheritance), and reports the
//! peak memory of each size (each size runs in a child process, so peaks do
//! not add up) and the growth factor between sizes.
//!
//! `cargo bench --bench pipeline -- --quick` skips the 1000x catalog.
//! A second table times pathological shapes (long mixin and inheritance
//! chains, files that all import each other, a large catalog): see shapes.rs.
//! `CITC_BENCH_RSS=1` prints the resident memory after each phase;
//! `CITC_BENCH_DUMP=N` prints the N× synthetic catalog.

mod shapes;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use citc::resolve::{self, Root};
use citc::source::SourceMap;

/// The binary's allocator, so that the phases cost what they cost in `citc`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A catalog about `scale` times the real one: 7·scale series of 10 sizes and
/// 54·scale preferences in inheritance chains 6 deep, with mixins and a matrix.
pub fn synthetic_catalog(scale: usize) -> String {
    let mut out = String::from(
        "import \"std/kubevirt\"\nimport \"std/sizes\"\nimport \"std/components\"\n\n",
    );
    out.push_str("mixin common { use sized  vendor = \"example.com\"  version = \"1\" }\n\n");
    for s in 0..7 * scale {
        out.push_str(&format!(
            "series s{s} {{\n  use common\n  sizes general_sizes\n  class = \"class{s}\"\n  displayName = \"Series {s}\"\n  icon = \"pficon-server-group\"\n  description = \"\"\"\n    Series number {s}, generated\n    for the benchmark.\n    \"\"\"\n}}\n\n"
        ));
    }
    out.push_str("table arches (arch, suffix) {\n  amd64 \"\"\n  arm64 \".arm64\"\n  s390x \".s390x\"\n}\n\n");
    for g in 0..9 * scale {
        out.push_str(&format!(
            "abstract preference base{g} {{\n  vendor = \"example.com\"\n  providerDisplayName = \"Example\"\n  use diskbus-virtio-blk, interfacemodel-virtio-net, rng\n}}\n"
        ));
        out.push_str(&format!(
            "preference os{g}.a : base{g} {{\n  osType = \"linux\"\n  iconClass = \"icon-linux\"\n  tags = \"hidden,os{g}\"\n  spec.requirements {{ cpu.guest = 1  memory.guest = 1Gi }}\n}}\n"
        ));
        out.push_str(&format!(
            "preference os{g}.b : os{g}.a {{ use efi  displayName = \"OS {g} B\" }}\n"
        ));
        out.push_str(&format!("preference os{g}.c : os{g}.b {{ use tablet-virtio  spec.requirements.memory.guest = 2Gi }}\n"));
        out.push_str(&format!("preference os{g}.d : os{g}.c {{ use disk-dedicatediothread  displayName = \"OS {g} D\" }}\n"));
        out.push_str(&format!(
            "preference \"os{g}.e${{suffix}}\" : os{g}.d for arches {{\n  use architecture\n  when arch == amd64 {{ spec.firmware.preferredEfi.secureBoot = false }}\n}}\n\n"
        ));
    }
    out
}

struct Timings {
    parse: Duration,
    resolve: Duration,
    check: Duration,
    lower: Duration,
    render: Duration,
    write: Duration,
    /// Wall time of lowering, rendering and writing, drops of the trees
    /// included.
    streamed: Duration,
    documents: usize,
    bytes: usize,
}

fn run_once(text: &str) -> Timings {
    let dir = project();
    let start = Instant::now();
    let mut sources = SourceMap::default();
    let mut diags = Vec::new();
    let files = resolve::load(
        Root::Text {
            name: "bench.cit",
            text,
            dir: &dir,
        },
        &mut sources,
        &mut diags,
    );
    let parsed = Instant::now();
    rss_note("parsed");
    let catalog = resolve::resolve(&files, &mut diags);
    let resolved = Instant::now();
    rss_note("resolved");
    citc::check::check(&files, &catalog, &mut diags);
    let checked = Instant::now();
    rss_note("checked");
    // Lower, render and write as `citc build` does: one resource at a time,
    // each tree and text freed once written, into a scratch directory.
    let release = catalog.release.clone();
    let scratch = std::env::temp_dir().join(format!("citc-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    let (documents, steps) =
        citc::emit::bundle::write_folder(&scratch, catalog, "v1.0.0", &release, &mut diags)
            .expect("write bundles");
    let streamed = Instant::now();
    let bytes: u64 = std::fs::read_dir(&scratch)
        .expect("scratch")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    let _ = std::fs::remove_dir_all(&scratch);
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .take(3)
        .map(|d| citc::diagnostic::render_short(&sources, d))
        .collect();
    assert!(
        errors.is_empty(),
        "the benchmark catalog has errors: {errors:?}"
    );
    Timings {
        parse: parsed - start,
        resolve: resolved - parsed,
        check: checked - resolved,
        lower: steps.lower,
        render: steps.render,
        write: steps.write,
        streamed: streamed - checked,
        documents,
        bytes: bytes as usize,
    }
}

/// With CITC_BENCH_RSS set, prints the resident memory after a phase.
fn rss_note(phase: &str) {
    if std::env::var_os("CITC_BENCH_RSS").is_some() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let rss = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .unwrap_or("");
        eprintln!("{phase}: {rss}");
    }
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Child mode: measure one size and print one line of numbers.
fn measure(scale: usize) {
    let text = if scale == 0 {
        std::fs::read_to_string(project().join("catalog.cit")).expect("catalog.cit")
    } else {
        synthetic_catalog(scale)
    };
    let runs = match scale {
        0 | 1 => 50,
        10 => 10,
        100 => 3,
        _ => 1,
    };
    let mut all: Vec<Timings> = (0..runs).map(|_| run_once(&text)).collect();
    let wall = |t: &Timings| t.parse + t.resolve + t.check + t.streamed;
    all.sort_by_key(wall);
    let t = &all[all.len() / 2];
    println!(
        "{} {} {} {:.3} {:.3} {:.3} {:.3} {:.3} {:.3} {:.3} {:.3} {:.1}",
        text.lines().count(),
        t.documents,
        t.bytes,
        ms(t.parse),
        ms(t.resolve),
        ms(t.check),
        ms(t.lower),
        ms(t.render),
        ms(t.write),
        ms(t.streamed),
        ms(wall(t)),
        peak_rss_mib()
    );
}

/// `citc show --why` on every resource of catalog.cit, in process: the
/// analysis with provenance recorded, then each resource lowered, emitted
/// and annotated. The analysis without provenance is timed beside it.
fn show_every_resource() {
    use citc::kube::ApiKind;
    use citc::provenance::{self, render};
    let path = project().join("catalog.cit");
    let median = |mut runs: Vec<Duration>| {
        runs.sort();
        runs[runs.len() / 2]
    };
    let (mut plain, mut traced, mut shown) = (Vec::new(), Vec::new(), Vec::new());
    let mut bytes = 0;
    let mut resources = 0;
    for _ in 0..21 {
        let start = Instant::now();
        let analysis = citc::analyze(Root::Path(&path));
        plain.push(start.elapsed());
        drop(analysis);
        let start = Instant::now();
        let analysis = citc::analyze_traced(Root::Path(&path));
        let analysed = Instant::now();
        traced.push(analysed - start);
        let catalog = &analysis.catalog;
        bytes = 0;
        resources = catalog.resources.len();
        for resource in &catalog.resources {
            let kind = ApiKind::of(resource.kind)[0];
            if let Some(shown) = provenance::show(catalog, resource, kind, "v1") {
                bytes += render::yaml_why(&shown, &analysis.sources).len();
            }
        }
        shown.push(analysed.elapsed());
    }
    let (plain, traced, shown) = (median(plain), median(traced), median(shown));
    println!("| show --why, every resource of catalog.cit | resources | analyse ms (untraced) | analyse ms (traced) | lower+emit+annotate ms | total ms | output KiB |");
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| real | {resources} | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
        ms(plain),
        ms(traced),
        ms(shown),
        ms(traced + shown),
        bytes / 1024
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Ok(shape) = std::env::var("CITC_BENCH_SHAPE") {
        shapes::measure(&shape, peak_rss_mib);
        return;
    }
    // `CITC_BENCH_DUMP=N` prints the N× synthetic catalog, to profile it.
    if let Some(scale) = std::env::var("CITC_BENCH_DUMP")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        print!("{}", synthetic_catalog(scale));
        return;
    }
    if let Some(scale) = std::env::var("CITC_BENCH_CHILD")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        measure(scale);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let sizes: &[(usize, &str)] = if quick {
        &[(0, "real"), (1, "1x"), (10, "10x"), (100, "100x")]
    } else {
        &[
            (0, "real"),
            (1, "1x"),
            (10, "10x"),
            (100, "100x"),
            (1000, "1000x"),
        ]
    };
    println!("| catalog | lines | documents | output MiB | parse ms | resolve ms | check ms | lower ms | render ms | write ms | lower+render+write ms (wall) | total ms | growth | peak MiB |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut previous: Option<f64> = None;
    for (scale, label) in sizes {
        let out = Command::new(&args[0])
            .env("CITC_BENCH_CHILD", scale.to_string())
            .output()
            .expect("run the benchmark child");
        let line = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = line.split_whitespace().collect();
        if !out.status.success() || f.len() < 12 {
            eprintln!("{label}: failed\n{}", String::from_utf8_lossy(&out.stderr));
            continue;
        }
        let total: f64 = f[10].parse().unwrap_or(f64::NAN);
        let growth = match (previous, *scale) {
            (Some(p), s) if s >= 10 => format!("{:.1}x", total / p),
            _ => "-".to_string(),
        };
        if *scale >= 1 {
            previous = Some(total);
        }
        let mib = f[2].parse::<f64>().unwrap_or(0.0) / 1_048_576.0;
        println!(
            "| {label} | {} | {} | {mib:.1} | {} | {} | {} | {} | {} | {} | {} | {} | {growth} | {} |",
            f[0], f[1], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]
        );
    }
    println!();
    show_every_resource();
    println!();
    println!("| shape | input KiB | analyse ms | resources | diagnostics | peak MiB |");
    println!("|---|---|---|---|---|---|");
    for shape in shapes::SHAPES {
        let out = Command::new(&args[0])
            .env("CITC_BENCH_SHAPE", shape)
            .output()
            .expect("run the benchmark child");
        let line = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = line.split_whitespace().collect();
        if !out.status.success() || f.len() < 5 {
            eprintln!("{shape}: failed\n{}", String::from_utf8_lossy(&out.stderr));
            continue;
        }
        let kib = f[0].parse::<f64>().unwrap_or(0.0) / 1024.0;
        println!(
            "| {shape} | {kib:.0} | {} | {} | {} | {} |",
            f[1], f[2], f[3], f[4]
        );
    }
}
