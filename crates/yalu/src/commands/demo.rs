//! `yalu demo`: the whole product on one machine, in one command.
//!
//! 1. simulates a world of DPRK overseas workers with a fixed seed
//!    (`yalu_detect::sim`), which also writes a small sanctions list of the
//!    world's listed trading houses and officials;
//! 2. writes the real DPRK designations shipped in `demo/lists/dprk` (OFAC
//!    SDN North Korea programmes and the UN 1718 regime, embedded in the
//!    binary, so no checkout is needed) beside it, and a
//!    demo list of the world's DPRK officials who represent or direct a
//!    firm (under their Hangul names), unless `--list` names real lists;
//! 3. runs detection over the world and screens every person and
//!    organisation of it against the lists;
//! 4. loads the alerts and hits as cases into a fresh SQLite store, and
//!    creates an admin key, two analyst keys (four-eyes approval needs two
//!    people) and a screener key;
//! 5. serves the API and the analyst workbench on `--bind`
//!    (127.0.0.1:8080), printing the URL and the keys.
//!
//! Everything lives in `--dir` (default `yalu-demo` in the system's
//! temporary folder), which is wiped and rebuilt on each run; the command
//! refuses to wipe a folder it did not make.

use crate::cli::DemoArgs;
use crate::config::Config;
use anyhow::Context;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use yalu_detect::ReadOptions;
use yalu_detect::Resolution;
use yalu_detect::RuleSet;
use yalu_detect::records::DataSet;
use yalu_links::Lists;
use yalu_match::{Index, MatchConfig, SearchOptions};
use yalu_server::{Auth, IndexSource, MatchDefaults, ServerOptions};
use yalu_store::{Role, Store};

/// The real DPRK designations shipped with the repository
/// (`demo/lists/dprk`, extracted by `scripts/extract-dprk-demo.py`):
/// OFAC SDN entries of the North Korea programmes, and the UN consolidated
/// list's 1718 regime. Embedded, so no checkout is needed.
const DPRK_LISTS: &[(&str, &[u8])] = &[
    (
        "ofac/sdn.csv",
        include_bytes!("../../../../demo/lists/dprk/ofac/sdn.csv"),
    ),
    (
        "ofac/alt.csv",
        include_bytes!("../../../../demo/lists/dprk/ofac/alt.csv"),
    ),
    (
        "ofac/add.csv",
        include_bytes!("../../../../demo/lists/dprk/ofac/add.csv"),
    ),
    (
        "un/consolidated-dprk.xml",
        include_bytes!("../../../../demo/lists/dprk/un/consolidated-dprk.xml"),
    ),
];

/// Marks a folder as made by `yalu demo`, so a rerun may wipe it.
const MARKER: &str = ".yalu-demo";

/// The actor recorded in the audit log for the cases the demo imports.
const DEMO_ACTOR: &str = "yalu-demo";

/// The keys the demo creates.
#[derive(Debug, serde::Serialize)]
struct DemoKeys {
    admin: String,
    analyst: String,
    second_analyst: String,
    screener: String,
}

impl DemoKeys {
    /// Creates the demo's keys in `store`: an admin, two analysts (four-eyes
    /// approval needs two people) and a screener.
    fn create(store: &Store) -> anyhow::Result<DemoKeys> {
        Ok(DemoKeys {
            admin: store.keys().create(Role::Admin, Some("demo admin"))?.key,
            analyst: store.keys().create(Role::Analyst, Some("analyst one"))?.key,
            second_analyst: store.keys().create(Role::Analyst, Some("analyst two"))?.key,
            screener: store.keys().create(Role::Screener, Some("screener"))?.key,
        })
    }
}

pub fn run(args: DemoArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let bind: SocketAddr = args.bind.parse().map_err(|e| {
        anyhow::anyhow!(
            "--bind `{}` is not an address like 127.0.0.1:8080: {e}",
            args.bind
        )
    })?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("yalu-demo"));
    fresh_dir(&dir)?;
    let started = Instant::now();

    // 1. The world.
    let world = dir.join("world");
    let data = simulate_world(&world, &args)?;

    // 2. The lists.
    let lists: Vec<PathBuf> = if args.lists.is_empty() {
        write_demo_lists(&dir, &world, &data, &args.add_lists)?
    } else {
        args.lists.iter().chain(&args.add_lists).cloned().collect()
    };
    let lists_loaded = load_demo_lists(&lists)?;
    let index = &lists_loaded.index;

    // 3. Detection and screening.
    let (alerts, resolution, _) =
        yalu_detect::detect_in(&data, Some(&lists_loaded), &RuleSet::default());
    let defaults = super::serve::match_defaults(config);
    let mut hits = screen_world(&data, index, &defaults.config);
    println!(
        "detection: {} alerts; screening: {} hits above {:.2} among {} persons and {} organizations",
        alerts.len(),
        hits.len(),
        defaults.config.threshold,
        data.persons.len(),
        data.organizations.len()
    );

    // 4. The store: keys and cases.
    let store_path = dir.join("store.db");
    let store = Store::open(&store_path)?;
    let keys = DemoKeys::create(&store)?;
    let alert_records = attach_evidence(&data, &resolution, &lists_loaded, &alerts, &mut hits)?;
    let imported = import_cases(&store, index, &alert_records, &hits)?;
    println!(
        "store {}: {imported} ({:.1} s in all)",
        store_path.display(),
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = &args.keys_out {
        write_keys_out(path, &keys, alerts.len(), hits.len(), &store_path, &world)?;
    }
    if args.no_serve {
        print_keys(&keys, None);
        return Ok(ExitCode::SUCCESS);
    }

    // 5. Serve.
    serve_demo(bind, lists, store, config, defaults, &keys)
}

/// Writes the `--keys-out` document: the keys, how many alerts and hits
/// became cases, and where the store and the world are.
fn write_keys_out(
    path: &Path,
    keys: &DemoKeys,
    alerts: usize,
    hits: usize,
    store_path: &Path,
    world: &Path,
) -> anyhow::Result<()> {
    let doc = serde_json::json!({
        "keys": keys,
        "alerts": alerts,
        "hits": hits,
        "store": store_path,
        "world": world,
    });
    std::fs::write(path, serde_json::to_vec_pretty(&doc)?)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Serves the API and the workbench over the demo's lists and store on
/// `bind`, printing the URL and the keys once it listens.
fn serve_demo(
    bind: SocketAddr,
    lists: Vec<PathBuf>,
    store: Store,
    config: &Config,
    defaults: MatchDefaults,
    keys: &DemoKeys,
) -> anyhow::Result<ExitCode> {
    let options = ServerOptions {
        bind,
        source: IndexSource {
            lists,
            strict: false,
        },
        auth: Auth::Keys(Arc::new(store)),
        limits: super::serve::limits(&config.server),
        defaults,
        // No scheduled refresh, no SIGHUP reload; the store holds the cases.
        ..ServerOptions::default()
    };
    yalu_server::run(options, |addr| print_keys(keys, Some(addr)))?;
    Ok(ExitCode::SUCCESS)
}

/// Simulates the world in `world` with the seed and size of `args`, and
/// reads it back as `yalu detect` would; a row the reader rejects is a
/// disagreement between simulator and reader, hence an error.
fn simulate_world(world: &Path, args: &DemoArgs) -> anyhow::Result<DataSet> {
    let stats = yalu_detect::sim::write_world(
        world,
        &yalu_detect::sim::SimOptions {
            workers: args.workers,
            seed: args.seed,
            difficulty: 0,
        },
    )?;
    println!(
        "simulated a world (seed {}): {} persons, {} documents, {} crossings, {} placements, {} organizations, {} payments",
        args.seed,
        stats.persons,
        stats.documents,
        stats.crossings,
        stats.placements,
        stats.organizations,
        stats.payments
    );
    let loaded = yalu_detect::read_dir(world, &ReadOptions::default())?;
    if !loaded.rejected.is_empty() {
        for r in loaded.rejected.iter().take(5) {
            eprintln!("rejected: {r}");
        }
        anyhow::bail!(
            "the simulated world has {} rejected rows: the simulator and the reader disagree",
            loaded.rejected.len()
        );
    }
    Ok(loaded.data)
}

/// Writes the demo's lists under `dir/lists` (the embedded DPRK
/// designations, and one FtM list of the world's listed entities and
/// officials joined by the FtM lists of `--add-list`) and returns every
/// list to load: those, then the other lists of `--add-list`.
fn write_demo_lists(
    dir: &Path,
    world: &Path,
    data: &DataSet,
    add_lists: &[PathBuf],
) -> anyhow::Result<Vec<PathBuf>> {
    let dprk = dir.join("lists").join("dprk");
    write_dprk_lists(&dprk)?;
    let demo_list = dir.join("lists").join("demo.ftm.json");
    write_demo_ftm_list(&demo_list, world, data, add_lists)?;
    Ok([
        demo_list,
        dprk.join("ofac"),
        dprk.join("un").join("consolidated-dprk.xml"),
    ]
    .into_iter()
    .chain(
        add_lists
            .iter()
            .filter(|p| {
                !matches!(
                    yalu_lists::detect_format(p),
                    Ok(yalu_lists::ListFormat::FtmJson)
                )
            })
            .cloned(),
    )
    .collect())
}

/// Writes the embedded DPRK designations ([`DPRK_LISTS`]) under `dprk`.
fn write_dprk_lists(dprk: &Path) -> anyhow::Result<()> {
    for (name, bytes) in DPRK_LISTS {
        let path = dprk.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Writes `demo_list`, one FtM list (one dataset for the server): the
/// simulator's listed entities, the world's officials, and the entities of
/// the FtM lists among `add_lists`.
fn write_demo_ftm_list(
    demo_list: &Path,
    world: &Path,
    data: &DataSet,
    add_lists: &[PathBuf],
) -> anyhow::Result<()> {
    let sim_list = world
        .join(yalu_detect::sim::LIST_DIR)
        .join("entities.ftm.json");
    let mut text = std::fs::read_to_string(&sim_list)
        .with_context(|| format!("reading {}", sim_list.display()))?;
    let listed = officials(data, &mut text);
    // FtM lists given with --add-list join this one: the server serves
    // one FtM list (one `opensanctions` dataset); their entities keep
    // the datasets they name.
    for path in add_lists {
        if yalu_lists::detect_format(path)? == yalu_lists::ListFormat::FtmJson {
            let more = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            if !text.ends_with('\n') && !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&more);
        }
    }
    std::fs::write(demo_list, text).with_context(|| format!("writing {}", demo_list.display()))?;
    println!(
        "listed the world's {listed} DPRK officials who represent or direct a firm beside its listed companies ({})",
        demo_list.display()
    );
    Ok(())
}

/// Loads the lists into the screening index and network, and says how
/// many entities they hold.
fn load_demo_lists(lists: &[PathBuf]) -> anyhow::Result<Lists> {
    let loaded = super::load_lists(lists, false)?;
    let lists_loaded = Lists::build(loaded.into_iter().flat_map(|l| l.entities));
    println!(
        "lists: {} entities from {}",
        lists_loaded.index.len(),
        lists
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(lists_loaded)
}

/// Gives alerts and hits the evidence the case page draws (timeline and
/// network from the data set; for alerts, the rules' explanations of their
/// subjects) and their investigation (alerts that share an agency,
/// employer or person are worked as one); returns the alerts' records.
fn attach_evidence(
    data: &DataSet,
    resolution: &Resolution,
    lists: &Lists,
    alerts: &[yalu_detect::Alert],
    hits: &mut [yalu_model::Hit],
) -> anyhow::Result<Vec<yalu_model::Alert>> {
    let evidence = yalu_detect::EvidenceBuilder::new(data, resolution, hits);
    let mut alert_records = Vec::with_capacity(alerts.len());
    let set = RuleSet::default();
    let ctx = yalu_detect::Context::new(data, resolution, &set, Some(lists));
    let by_subject = yalu_detect::AlertsBySubject::new(alerts);
    for a in alerts {
        let found = yalu_detect::alert_evidence(
            &evidence,
            &ctx,
            &by_subject,
            &a.subject_ids,
            &a.evidence_ids,
        )?;
        let mut record = a.to_record();
        record.context.evidence = Some(found.evidence);
        record.context.investigation = Some(found.investigation);
        alert_records.push(record);
    }
    for h in hits.iter_mut() {
        let record = h.query_id.clone().unwrap_or_default();
        h.context.evidence = Some(evidence.build(std::slice::from_ref(&record), &[]));
        h.context.investigation = Some(evidence.scheme(&[record], &[]));
    }
    Ok(alert_records)
}

fn print_keys(keys: &DemoKeys, addr: Option<SocketAddr>) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out);
    if let Some(addr) = addr {
        let _ = writeln!(out, "Yalu demo: the workbench is at http://{addr}/");
    }
    let _ = writeln!(out, "  admin key:          {}", keys.admin);
    let _ = writeln!(out, "  analyst key:        {}", keys.analyst);
    let _ = writeln!(
        out,
        "  second analyst key: {}  (approves true-match closures: four eyes)",
        keys.second_analyst
    );
    let _ = writeln!(out, "  screener key:       {}", keys.screener);
    if addr.is_some() {
        let _ = writeln!(
            out,
            "Open the URL, paste the analyst key, and press Ctrl-C here to stop."
        );
    }
    let _ = out.flush();
}

/// Appends to `lines` (FtM JSON lines) a list entry for each of the
/// world's DPRK nationals who represent or direct a firm (in the world,
/// officials who run its front companies), under their Hangul name when the
/// records give one, so that screening the world's romanised records shows
/// the Korean-aware matcher at work. Returns how many were listed.
fn officials(data: &yalu_detect::records::DataSet, lines: &mut String) -> usize {
    use yalu_detect::records::{Party, RelationKind};
    let mut seen = std::collections::BTreeSet::new();
    if !lines.is_empty() && !lines.ends_with('\n') {
        lines.push('\n');
    }
    for r in &data.relations {
        let (Party::Person(p), RelationKind::Represents | RelationKind::Directs) = (r.from, r.kind)
        else {
            continue;
        };
        let person = &data.persons[p as usize];
        if person.nationality != Some("kp") || !seen.insert(person.id.clone()) {
            continue;
        }
        let name = person
            .name_original_script
            .clone()
            .unwrap_or_else(|| person.full_name.clone());
        let mut props = serde_json::Map::new();
        props.insert("name".into(), serde_json::json!([name]));
        props.insert("nationality".into(), serde_json::json!(["kp"]));
        if let Some(dob) = &person.birth_date {
            props.insert("birthDate".into(), serde_json::json!([dob.to_string()]));
        }
        let entity = serde_json::json!({
            "id": format!("demo-official-{}", person.id),
            "schema": "Person",
            "properties": props,
            "datasets": ["demo_officials"],
            "target": true,
        });
        lines.push_str(&entity.to_string());
        lines.push('\n');
    }
    seen.len()
}

/// Wipes `dir` if `yalu demo` made it, refuses otherwise, and recreates it.
fn fresh_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_none();
        if !empty {
            if !dir.join(MARKER).exists() {
                anyhow::bail!(
                    "{} is not empty and was not made by `yalu demo`; give another --dir",
                    dir.display()
                );
            }
            std::fs::remove_dir_all(dir)
                .with_context(|| format!("removing the previous demo in {}", dir.display()))?;
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(
        dir.join(MARKER),
        "made by `yalu demo`; the next run wipes this folder\n",
    )
    .with_context(|| format!("writing {}", dir.join(MARKER).display()))?;
    Ok(())
}

/// Screens every person and organisation of the world, as `yalu screen`
/// would a customer file, and returns its hit records (matches only).
fn screen_world(
    data: &yalu_detect::records::DataSet,
    index: &Index,
    cfg: &MatchConfig,
) -> Vec<yalu_model::Hit> {
    let queries = data.screening_queries();
    let opts = SearchOptions {
        limit: 3,
        cutoff: cfg.threshold,
        filter: None,
    };
    let mut hits = Vec::new();
    for (row, q) in queries.iter().enumerate() {
        for h in index.search(q, cfg, &opts) {
            if !h.scored.is_match {
                continue;
            }
            hits.push(yalu_screen::hit_record(
                row as u64 + 1,
                Some(q.id.clone()),
                q,
                &h,
            ));
        }
    }
    hits
}

/// Loads alerts and hits as cases; returns a one-line report.
fn import_cases(
    store: &Store,
    index: &Index,
    alerts: &[yalu_model::Alert],
    hits: &[yalu_model::Hit],
) -> anyhow::Result<String> {
    let cases = store.cases();
    let alerts = alerts
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()?;
    let hits = hits
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()?;
    let a = cases.import_alerts(DEMO_ACTOR, &alerts)?;
    let fingerprint =
        |id: &str| -> Option<String> { index.get(id).map(yalu_store::cases::entry_fingerprint) };
    let h = cases.import_hits(DEMO_ACTOR, &hits, &fingerprint)?;
    Ok(format!(
        "{} alert cases and {} hit cases created ({} duplicates, {} suppressed) in {} investigations",
        a.created,
        h.created,
        a.existing + h.existing,
        a.suppressed + h.suppressed,
        a.investigations_opened + h.investigations_opened
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use yalu_model::{Entity, Schema};
    use yalu_store::{CaseFilter, CaseKind};

    #[test]
    fn a_folder_the_demo_did_not_make_is_never_wiped() {
        let tmp = tempfile::tempdir().unwrap();
        let theirs = tmp.path().join("theirs");
        std::fs::create_dir_all(&theirs).unwrap();
        std::fs::write(theirs.join("notes.txt"), "keep me").unwrap();
        let err = fresh_dir(&theirs).unwrap_err().to_string();
        assert!(err.contains("not made by `yalu demo`"), "{err}");
        assert!(theirs.join("notes.txt").exists());

        let ours = tmp.path().join("ours");
        fresh_dir(&ours).unwrap();
        std::fs::write(ours.join("old.db"), "previous run").unwrap();
        fresh_dir(&ours).unwrap();
        assert!(!ours.join("old.db").exists(), "a rerun starts afresh");
        assert!(ours.join(MARKER).exists());
    }

    /// The demo without serving: every alert and hit becomes a case, the
    /// keys work with their roles, and cases carry the timeline and network
    /// the workbench draws.
    #[test]
    fn the_demo_loads_cases_with_their_evidence_and_creates_working_keys() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("demo");
        let keys_out = tmp.path().join("keys.json");
        let args = DemoArgs {
            bind: "127.0.0.1:0".into(),
            dir: Some(dir.clone()),
            lists: Vec::new(),
            add_lists: Vec::new(),
            seed: 7,
            workers: 80,
            keys_out: Some(keys_out.clone()),
            no_serve: true,
        };
        run(args, &Config::default()).unwrap();
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&keys_out).unwrap()).unwrap();
        let store = Store::open(&dir.join("store.db")).unwrap();
        for (field, role) in [
            ("admin", Role::Admin),
            ("analyst", Role::Analyst),
            ("second_analyst", Role::Analyst),
            ("screener", Role::Screener),
        ] {
            let key = doc["keys"][field].as_str().unwrap();
            let verified = store.keys().verify(key).unwrap().expect("a valid key");
            assert_eq!(verified.role, role, "{field}");
        }
        let (cases, total) = store
            .cases()
            .list(&CaseFilter {
                limit: 1000,
                ..CaseFilter::default()
            })
            .unwrap();
        let alerts = doc["alerts"].as_u64().unwrap();
        let hits = doc["hits"].as_u64().unwrap();
        assert!(alerts > 0, "the world raises alerts");
        let investigations = cases
            .iter()
            .filter(|c| c.kind == CaseKind::Investigation)
            .count() as u64;
        assert_eq!(
            total.value,
            alerts + hits + investigations,
            "one case per alert and hit, and their investigations"
        );
        assert!(
            investigations > 1 && investigations < (alerts + hits) / 2,
            "alerts that share a network are grouped: {investigations} investigations for {alerts} alerts and {hits} hits"
        );
        assert!(
            cases
                .iter()
                .filter(|c| c.kind != CaseKind::Investigation)
                .all(|c| c.investigation_id.is_some()),
            "every alert and hit is in an investigation"
        );
        // Not the whole world in one investigation.
        let biggest = cases
            .iter()
            .filter_map(|c| c.investigation_id)
            .fold(std::collections::HashMap::new(), |mut m, i| {
                *m.entry(i).or_insert(0u64) += 1;
                m
            })
            .into_values()
            .max()
            .unwrap();
        assert!(
            biggest < alerts + hits,
            "largest investigation: {biggest} cases"
        );
        let with_workers = cases
            .iter()
            .filter(|c| c.kind == CaseKind::Alert)
            .map(|c| store.cases().detail(c.id).unwrap().payload)
            .find(|p| {
                p["evidence"]["network"]["nodes"]
                    .as_array()
                    .is_some_and(|n| n.iter().any(|n| n["kind"] == "worker"))
            })
            .expect("an alert case whose network shows workers");
        let evidence = &with_workers["evidence"];
        let timeline = evidence["timeline"].as_array().unwrap();
        assert!(!timeline.is_empty());
        for kind in ["placement", "entry", "exit"] {
            assert!(
                timeline.iter().any(|e| e["kind"] == kind),
                "the timeline shows {kind} events"
            );
        }
        let cited: Vec<&str> = with_workers["evidence_ids"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        for e in timeline {
            let is_cited = cited.contains(&e["record_id"].as_str().unwrap());
            assert_eq!(e["evidence"], is_cited, "{e}");
        }
        let nodes = evidence["network"]["nodes"].as_array().unwrap();
        let ids: Vec<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
        for edge in evidence["network"]["edges"].as_array().unwrap() {
            for end in ["from", "to"] {
                assert!(
                    ids.contains(&edge[end].as_str().unwrap()),
                    "edge {edge} ends at a node"
                );
            }
        }
        assert!(
            nodes.iter().any(|n| n["kind"] == "client"),
            "workers are linked to where they work"
        );

        // The shipped DPRK designations are screened: the best-known
        // labour exporters and KOMID are found.
        let lists = [
            dir.join("lists/dprk/ofac"),
            dir.join("lists/dprk/un/consolidated-dprk.xml"),
        ];
        let loaded = crate::commands::load_lists(&lists, true).unwrap();
        let index = Index::build(loaded.into_iter().flat_map(|l| l.entities));
        assert!(index.len() > 400, "{} entries", index.len());
        let cfg = MatchConfig::default();
        for (query, expect) in [
            ("Mansudae Overseas Project Group", "MANSUDAE"),
            ("Korea Namgang Trading", "NAMGANG"),
            ("KOMID", "KOREA MINING DEVELOPMENT"),
        ] {
            let mut q = Entity::new("q", Schema::Organization);
            q.add("name", query);
            let hits = index.search(
                &q,
                &cfg,
                &SearchOptions {
                    limit: 3,
                    cutoff: 0.5,
                    filter: None,
                },
            );
            assert!(
                hits.first()
                    .is_some_and(|h| h.entity.caption().to_uppercase().contains(expect)),
                "{query}: {:?}",
                hits.iter().map(|h| h.entity.caption()).collect::<Vec<_>>()
            );
        }
    }
}
