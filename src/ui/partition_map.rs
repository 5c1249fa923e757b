//! The partition map: the table's hash keyspace 0x0000… to 0xffff… as an SVG bar divided
//! into its partitions in proportion to their hash ranges, each filled to its size against
//! the partition size limit (10 KB in the playground), then one card per partition in
//! keyspace order: its id, range, item count and size, and its three replicas in columns by
//! availability zone, the leader crowned and bold, a lag badge on a replica that has not
//! applied every write yet (gone once it has), and, when the engine reports them, thin bars
//! of its token buckets (tokens against the allocation, burst credit against its cap; the
//! last second's units against the partition maximum for on-demand tables). The split
//! lineage (parent → children) closes the panel. Drawn from `Dynoscope_DescribePartitions`, refetched on the Cluster view's
//! tick and after every write the UI makes; the located item is pinned on the bar and its
//! partition outlined. The partition ids and buckets are shared with the other panels
//! through [`ClusterCtx`]; the buckets change every tick, so they redraw only their bars.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde_json::json;

use dynoscope_engine::contract::{
    CapacityMode, PartitionDescription, PartitionThroughput, PartitionsDescription, ReplicaRole,
    SplitDescription, ThroughputSide, ZoneState, ZoneView, ZonesDescription,
};

use super::cluster::ClusterCtx;
use super::text::{bytes_text, clock_text, parse_hash};
use super::{AppState, ErrorNotice, ShownError};

/// One replica of a partition.
#[derive(Debug, Clone, PartialEq)]
struct ReplicaView {
    zone: String,
    leader: bool,
    caught_up: bool,
    applied_until: u64,
    /// Whether its availability zone is up.
    available: bool,
}

/// One partition as the map draws it.
#[derive(Debug, Clone, PartialEq)]
struct PartitionView {
    id: u64,
    parent: Option<u64>,
    start: u64,
    end: u64,
    items: u64,
    bytes: u64,
    lagging: u64,
    replicas: Vec<ReplicaView>,
    /// How many entries hash into each equal slice of its range.
    density: Vec<u32>,
}

impl PartitionView {
    fn from_description(p: &PartitionDescription) -> Option<PartitionView> {
        let lagging = p.lagging_writes as u64;
        let replicas = p
            .replicas
            .iter()
            .map(|r| ReplicaView {
                zone: r.availability_zone.clone(),
                leader: r.role == ReplicaRole::Leader,
                // A replica lags only while the partition holds writes it has not applied:
                // after a split, a child may report a future apply time without any write
                // pending.
                caught_up: r.caught_up || lagging == 0,
                available: r.available,
                applied_until: r.applied_until_millis.unwrap_or(0),
            })
            .collect();
        Some(PartitionView {
            id: p.partition_id,
            parent: p.parent_partition_id,
            start: parse_hash(&p.hash_range_start)?,
            end: parse_hash(&p.hash_range_end)?,
            items: p.item_count,
            bytes: p.size_bytes,
            lagging,
            replicas,
            density: p.density.clone(),
        })
    }

    /// Where the range starts, in percent of the keyspace.
    fn left(&self) -> f64 {
        share(self.start)
    }

    /// How much of the keyspace the range covers, in percent.
    fn width(&self) -> f64 {
        (share(self.end) - share(self.start) + 100.0 / 2f64.powi(64)).max(0.0)
    }

    fn range_text(&self) -> String {
        format!("{}…–{}…", short_hash(self.start), short_hash(self.end))
    }
}

/// One split of the table's history.
#[derive(Debug, Clone, PartialEq)]
struct SplitView {
    at: u64,
    parent: u64,
    children: Vec<u64>,
    hash: Option<u64>,
    reason: String,
}

impl From<&SplitDescription> for SplitView {
    fn from(s: &SplitDescription) -> SplitView {
        SplitView {
            at: s.at_millis,
            parent: s.parent_partition_id,
            children: s.child_partition_ids.clone(),
            hash: parse_hash(&s.split_hash),
            reason: s.reason.to_ascii_lowercase(),
        }
    }
}

/// What DescribePartitions reported.
#[derive(Debug, Clone, PartialEq, Default)]
struct MapData {
    /// The global index whose keyspace this is; None for the table's.
    keyspace: Option<String>,
    partitions: Vec<PartitionView>,
    splits: Vec<SplitView>,
    /// Partitions that appeared since the map last drew this keyspace (a split as it
    /// happens): drawn growing in.
    fresh: Vec<u64>,
}

impl MapData {
    fn from_description(described: &PartitionsDescription, before: Option<&MapData>) -> MapData {
        let mut partitions: Vec<PartitionView> = described
            .partitions
            .iter()
            .filter_map(PartitionView::from_description)
            .collect();
        dynoscope_engine::sorting::sort_by_key(&mut partitions, |p| p.start);
        let splits = described.splits.iter().map(SplitView::from).collect();
        let keyspace = described.index_name.clone();
        let fresh = match before.filter(|b| b.keyspace == keyspace) {
            Some(before) => (partitions.iter())
                .map(|p| p.id)
                .filter(|id| !before.partitions.iter().any(|b| b.id == *id))
                .collect(),
            None => Vec::new(),
        };
        MapData {
            keyspace,
            partitions,
            splits,
            fresh,
        }
    }
}

/// Each partition's throughput, by id.
fn throughput_of(described: &PartitionsDescription) -> BTreeMap<u64, PartitionThroughput> {
    dynoscope_engine::sorting::ordered(
        (described.partitions.iter()).filter_map(|p| Some((p.partition_id, p.throughput?))),
    )
}

/// A hash as a percentage of the keyspace.
fn share(hash: u64) -> f64 {
    hash as f64 / 2f64.powi(64) * 100.0
}

/// The first four hex digits of a hash: `0x4f3a`.
fn short_hash(hash: u64) -> String {
    format!("0x{:04x}", hash >> 48)
}

/// Percent with two decimals, for SVG coordinates.
fn pct(value: f64) -> String {
    format!("{:.3}%", value.clamp(0.0, 100.0))
}

/// The fill colour of a partition at `level` (0..1) of its size limit.
fn fill_colour(level: f64) -> &'static str {
    if level >= 0.9 {
        "#ef9a7a"
    } else if level >= 0.7 {
        "#f4c56e"
    } else {
        "#93bbea"
    }
}

/// The global indexes of `table`, each a keyspace of its own.
async fn global_indexes(state: AppState, table: &str) -> Vec<String> {
    let described = state
        .send("DescribeTable", &json!({ "TableName": table }))
        .await
        .unwrap_or_default();
    let indexes = described["Table"]["GlobalSecondaryIndexes"].as_array();
    (indexes.into_iter().flatten())
        .filter_map(|i| Some(i["IndexName"].as_str()?.to_owned()))
        .collect()
}

/// The partition map of one table, or of one of its global indexes (each has a keyspace
/// of its own; local indexes live in the table's partitions).
#[component]
pub fn PartitionMap(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    let data = RwSignal::new(None::<MapData>);
    let error = RwSignal::new(None::<ShownError>);
    // The keyspace shown: None for the table's, else a global index's.
    let keyspace = RwSignal::new(None::<String>);
    let indexes = RwSignal::new(Vec::<String>::new());
    {
        let table = table.clone();
        Effect::new(move |_| {
            state.revision.track();
            let table = table.clone();
            leptos::task::spawn_local(async move {
                let names = global_indexes(state, &table).await;
                // The view may be gone by now: every access is a `try_`.
                let gone = |k: &Option<String>| k.as_ref().is_some_and(|k| !names.contains(k));
                if keyspace.try_with_untracked(gone) == Some(true) {
                    keyspace.try_set(None);
                }
                indexes.try_set(names);
            });
        });
    }

    Effect::new(move |_| {
        ctx.track();
        let table = table.clone();
        let index = keyspace.get();
        leptos::task::spawn_local(async move {
            let request = json!({ "TableName": table, "IndexName": index, "Density": true });
            match state
                .call::<PartitionsDescription>("Dynoscope_DescribePartitions", &request)
                .await
            {
                Ok(described) => {
                    let Some(loaded) = data.try_with_untracked(|before| {
                        MapData::from_description(&described, before.as_ref())
                    }) else {
                        return;
                    };
                    let ids: Vec<u64> = loaded.partitions.iter().map(|p| p.id).collect();
                    // The other panels know the table's partitions only.
                    if index.is_none()
                        && ctx.partitions.try_with_untracked(|p| p != &ids) == Some(true)
                    {
                        ctx.partitions.try_set(ids);
                    }
                    let buckets = throughput_of(&described);
                    if ctx.throughput.try_with_untracked(|t| t != &buckets) == Some(true) {
                        ctx.throughput.try_set(buckets);
                    }
                    // Only a change redraws.
                    if data.try_with_untracked(|d| d.as_ref() != Some(&loaded)) == Some(true) {
                        data.try_set(Some(loaded));
                    }
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });

    let summary = move || {
        data.with(|d| {
            d.as_ref().map(|d| {
                let items: u64 = d.partitions.iter().map(|p| p.items).sum();
                let n = d.partitions.len();
                format!(
                    "{n} partition{} · {items} item{} · {} split{}",
                    if n == 1 { "" } else { "s" },
                    if items == 1 { "" } else { "s" },
                    d.splits.len(),
                    if d.splits.len() == 1 { "" } else { "s" },
                )
            })
        })
    };

    // The keyspace choices as plain options (a Leptos list of them costs the first load
    // more than the text does).
    let keyspace_options = move || {
        let chosen = keyspace.get();
        let option = |value: &str, label: &str| {
            let selected = if chosen.as_deref().unwrap_or("") == value {
                " selected"
            } else {
                ""
            };
            let value = dynoscope_codegen::html::escape(value);
            format!(
                "<option value=\"{value}\"{selected}>{}</option>",
                dynoscope_codegen::html::escape(label)
            )
        };
        let mut html = option("", "the table's");
        for name in indexes.get() {
            html.push_str(&option(&name, &format!("global index {name}")));
        }
        html
    };

    view! {
        <section class="panel partition-map" aria-labelledby="map-heading" data-testid="partition-map">
            <div class="title-row">
                <h2 id="map-heading">"Partitions"</h2>
                <p class="muted map-summary" data-testid="map-summary">{summary}</p>
            </div>
            <ZoneControls />
            <label class="keyspace-choice" hidden=move || indexes.with(Vec::is_empty)>
                "Keyspace "
                <select
                    data-testid="keyspace-select"
                    inner_html=keyspace_options
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        keyspace.set((!value.is_empty()).then_some(value));
                    }
                ></select>
            </label>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="partition-map-error" /> })}
            {move || match data.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(d) => view! {
                    <KeyspaceBar partitions=d.partitions.clone() fresh=d.fresh.clone() pinned=d.keyspace.is_none() />
                    <Legend />
                    <div class="partition-cards" data-testid="partition-cards">
                        {d.partitions.into_iter().map(|p| view! { <PartitionCard partition=p /> }).collect_view()}
                    </div>
                    <SplitLineage splits=d.splits />
                }.into_any(),
            }}
        </section>
    }
}

/// One button per availability zone: a click takes the zone down (every partition loses
/// its replica there; leaders fail over) or brings it back (its replicas catch up). The
/// outage is engine-wide, as an AZ outage hits every table.
#[component]
fn ZoneControls() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    let zones = RwSignal::new(Vec::<ZoneView>::new());
    let quorum = RwSignal::new(true);
    let error = RwSignal::new(None::<ShownError>);
    let show = move |described: ZonesDescription| {
        zones.try_set(described.zones);
        quorum.try_set(described.has_quorum);
        error.try_set(None);
    };

    Effect::new(move |_| {
        ctx.track();
        leptos::task::spawn_local(async move {
            match state
                .call::<ZonesDescription>("Dynoscope_DescribeZones", &json!({}))
                .await
            {
                Ok(described) => show(described),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });

    let toggle = move |name: String, up: bool| {
        leptos::task::spawn_local(async move {
            let request = json!({ "Zone": name, "Available": !up });
            match state
                .call::<ZonesDescription>("Dynoscope_SetZoneAvailability", &request)
                .await
            {
                Ok(described) => {
                    show(described);
                    // A zone is a setting, not data: ask the views to refetch.
                    state.changed();
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };

    view! {
        <div class="zone-controls" data-testid="zone-controls">
            <span class="zone-label" id="zone-label">"Availability zones"</span>
            <div class="button-group" role="group" aria-labelledby="zone-label">
                <For each=move || zones.get() key=|z| (z.zone_name.clone(), z.state) let:zone>
                    {
                        let up = zone.state == ZoneState::Up;
                        let name = zone.zone_name;
                        let label = if up { format!("● {name}") } else { format!("✕ {name} down") };
                        let title = if up {
                            format!("Take {name} down: every partition loses its replica there")
                        } else {
                            format!("Bring {name} back: its replicas catch up on what they missed")
                        };
                        let target = name.clone();
                        view! {
                            <button
                                type="button"
                                class="zone-toggle"
                                class:down=!up
                                title=title
                                aria-pressed=if up { "false" } else { "true" }
                                data-testid="zone-toggle"
                                data-zone=name
                                data-state=if up { "UP" } else { "DOWN" }
                                on:click=move |_| toggle(target.clone(), up)
                            >
                                {label}
                            </button>
                        }
                    }
                </For>
            </div>
            <span class="muted zone-hint">"Take one down: leaders fail over and writes carry on with two replicas."</span>
        </div>
        <Show when=move || !quorum.get()>
            <p class="error no-quorum" role="alert" data-testid="no-quorum">
                "Two zones are down: no partition has a quorum, so every read and write fails with InternalServerError (HTTP 500)."
            </p>
        </Show>
        {move || error.get().map(|e| view! { <ErrorNotice error=e testid="zone-error" /> })}
    }
}

/// The keyspace as one bar, its partitions side by side in proportion to their ranges.
#[component]
fn KeyspaceBar(partitions: Vec<PartitionView>, fresh: Vec<u64>, pinned: bool) -> impl IntoView {
    let ctx = expect_context::<ClusterCtx>();
    const TOP: u32 = 14;
    const HEIGHT: u32 = 46;
    const STRIP: u32 = 10;
    let strip = density_strip(&partitions);
    let limit = move || ctx.partition_limit() as f64;
    let description = format!(
        "The hash keyspace from 0x0000… to 0xffff…, divided into {} partition{}.",
        partitions.len(),
        if partitions.len() == 1 { "" } else { "s" }
    );
    let title = description.clone();
    let segments = partitions
        .into_iter()
        .map(|p| {
            let id = p.id;
            let level = move || (p.bytes as f64 / limit()).clamp(0.0, 1.0);
            let fill_y = move || f64::from(HEIGHT) * (1.0 - level());
            let fill_h = move || f64::from(HEIGHT) * level();
            let edge = move || {
                if ctx.located.get().is_some_and(|l| l.partition_id == id) {
                    "segment-edge located"
                } else if ctx.hovered.get() == Some(id) {
                    "segment-edge hovered"
                } else {
                    "segment-edge"
                }
            };
            let title = format!(
                "Partition {id}: hash {}… to {}…, {} item{}, {}",
                short_hash(p.start),
                short_hash(p.end),
                p.items,
                if p.items == 1 { "" } else { "s" },
                bytes_text(p.bytes),
            );
            let items = format!("{} item{}", p.items, if p.items == 1 { "" } else { "s" });
            let class = if fresh.contains(&id) { "segment split-in" } else { "segment" };
            view! {
                <svg
                    x=pct(p.left())
                    y=TOP
                    width=pct(p.width())
                    height=HEIGHT
                    class=class
                    data-testid="keyspace-segment"
                    data-partition-id=id
                    on:mouseenter=move |_| ctx.hovered.set(Some(id))
                    on:mouseleave=move |_| ctx.hovered.set(None)
                >
                    <title>{title}</title>
                    <rect class="segment-bg" x="0" y="0" width="100%" height="100%" />
                    <rect
                        x="0"
                        y=move || format!("{:.2}", fill_y())
                        width="100%"
                        height=move || format!("{:.2}", fill_h())
                        fill=move || fill_colour(level())
                    />
                    <rect
                        class=edge
                        x="0"
                        y="0"
                        width="100%"
                        height="100%"
                    />
                    <text class="segment-id" x="50%" y="19" text-anchor="middle">{format!("P{id}")}</text>
                    <text class="segment-items" x="50%" y="35" text-anchor="middle">{items}</text>
                </svg>
            }
        })
        .collect_view();

    let pin = move || {
        ctx.located.get().filter(|_| pinned).map(|located| {
            let title = format!(
                "The located item {} hashes to 0x{:016x}",
                located.label, located.hash
            );
            view! {
                <svg x=pct(share(located.hash)) y="0" width="1" height=TOP + HEIGHT + 4 overflow="visible" class="item-pin" data-testid="item-pin">
                    <title>{title}</title>
                    <line x1="0" y1="8" x2="0" y2=TOP + HEIGHT + 4 />
                    <path d="M-7,0 L7,0 L0,10 Z" />
                </svg>
            }
        })
    };

    view! {
        <figure class="keyspace">
            <svg
                class="keyspace-bar"
                width="100%"
                height=TOP + HEIGHT + STRIP + 24
                role="img"
                aria-label=description
                data-testid="keyspace-bar"
            >
                <title>{title}</title>
                {segments}
                <svg y=TOP + HEIGHT + 3 width="100%" height=STRIP viewBox=format!("0 0 1000 {STRIP}") preserveAspectRatio="none" class="density" data-testid="density-strip">
                    <title>"Where the items hash: the darker a slice, the more items in it"</title>
                    {strip.into_iter().enumerate().map(|(level, d)| view! {
                        <path class=format!("density-{level}") d=d />
                    }).collect_view()}
                </svg>
                {pin}
                <text class="axis" x="0" y=TOP + HEIGHT + STRIP + 19 text-anchor="start">"0x0000…"</text>
                <text class="axis" x="50%" y=TOP + HEIGHT + STRIP + 19 text-anchor="middle">"hash of the partition key →"</text>
                <text class="axis" x="100%" y=TOP + HEIGHT + STRIP + 19 text-anchor="end">"0xffff…"</text>
            </svg>
        </figure>
    }
}

/// The density strip under the bar: each partition's slices that hold items, as SVG path
/// data in a 1000-wide box, one path per shade (a quarter of the fullest slice each).
fn density_strip(partitions: &[PartitionView]) -> [String; 4] {
    let fullest = (partitions.iter())
        .flat_map(|p| p.density.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut paths: [String; 4] = Default::default();
    for p in partitions {
        let slices = p.density.len().max(1) as f64;
        let width = p.width() * 10.0 / slices;
        for (i, &count) in p.density.iter().enumerate().filter(|(_, c)| **c > 0) {
            let level = ((count * 4 - 1) / fullest).min(3) as usize;
            let x = p.left() * 10.0 + width * i as f64;
            let _ = std::fmt::Write::write_fmt(
                &mut paths[level],
                format_args!("M{x:.2} 0h{:.2}v10h-{:.2}z", width.max(0.6), width.max(0.6)),
            );
        }
    }
    paths
}

/// What the colours and marks mean.
#[component]
fn Legend() -> impl IntoView {
    view! {
        <ul class="map-legend" aria-label="Legend">
            <li><span class="swatch fill-low" aria-hidden="true"></span>"size against the partition limit"</li>
            <li><span class="swatch fill-high" aria-hidden="true"></span>"near the limit: splits soon"</li>
            <li>
                <svg class="swatch-crown" viewBox="0 0 26 18" aria-hidden="true">
                    <path d="M3,16 L1,4 L8,10 L13,1 L18,10 L25,4 L23,16 Z" />
                </svg>
                "leader (serves strongly consistent reads)"
            </li>
            <li><span class="swatch lagging" aria-hidden="true"></span>"replica still applying writes"</li>
        </ul>
    }
}

/// One partition: numbers, size gauge and its replicas.
#[component]
fn PartitionCard(partition: PartitionView) -> impl IntoView {
    let ctx = expect_context::<ClusterCtx>();
    let id = partition.id;
    let limit = move || ctx.partition_limit();
    let level = {
        let bytes = partition.bytes;
        move || (bytes as f64 / limit() as f64).clamp(0.0, 1.0)
    };
    let located = move || ctx.located.get().is_some_and(|l| l.partition_id == id);
    let hovered = move || ctx.hovered.get() == Some(id);
    let heading_id = format!("partition-{id}-heading");
    let heading_ref = heading_id.clone();
    let size_text = {
        let bytes = partition.bytes;
        move || format!("{} of {}", bytes_text(bytes), bytes_text(limit()))
    };
    let gauge_label = move || format!("Size {} ({:.0} %)", size_text(), level() * 100.0);
    let items = partition.items;
    let lagging = partition.lagging;
    let replicas_label = partition
        .replicas
        .iter()
        .map(|r| {
            let role = if r.leader { "leader" } else { "follower" };
            let status = if !r.available {
                "zone down".to_owned()
            } else if r.caught_up {
                "caught up".to_owned()
            } else {
                format!(
                    "lagging ({lagging} write{} pending)",
                    if lagging == 1 { "" } else { "s" }
                )
            };
            format!("{} {role}, {status}", r.zone)
        })
        .collect::<Vec<_>>()
        .join("; ");
    let replicas = partition
        .replicas
        .iter()
        .enumerate()
        .map(|(i, r)| view! { <ReplicaBox replica=r.clone() column=i lagging=lagging /> })
        .collect_view();

    view! {
        <article
            class="partition-card"
            class:located=located
            class:hovered=hovered
            aria-labelledby=heading_id
            data-testid="partition-card"
            data-partition-id=id
            data-located=move || if located() { "true" } else { "false" }
            on:mouseenter=move |_| ctx.hovered.set(Some(id))
            on:mouseleave=move |_| ctx.hovered.set(None)
        >
            <header class="card-head">
                <h3 id=heading_ref>{format!("Partition {id}")}</h3>
                {partition.parent.map(|p| view! { <span class="muted parent">{format!("child of {p}")}</span> })}
                <Show when=located>
                    <span class="located-tag" data-testid="located-tag">"holds the located item"</span>
                </Show>
            </header>
            <p class="hash-range" title=format!("0x{:016x} to 0x{:016x}", partition.start, partition.end)>
                {partition.range_text()}
            </p>
            <svg class="fill-gauge" width="100%" height="10" role="img" aria-label=gauge_label>
                <title>{gauge_label}</title>
                <rect class="gauge-bg" x="0" y="0" width="100%" height="10" rx="3" />
                <rect
                    x="0"
                    y="0"
                    width=move || pct(level() * 100.0)
                    height="10"
                    rx="3"
                    fill=move || fill_colour(level())
                />
            </svg>
            <p class="card-stats" data-testid="partition-stats">
                <strong data-testid="partition-items">{items}</strong>
                {if items == 1 { " item · " } else { " items · " }}
                {size_text}
            </p>
            <BucketBars id=id />
            <svg
                class="replicas"
                viewBox="0 0 240 104"
                role="img"
                aria-label=format!("Replicas: {replicas_label}")
                data-testid="replicas"
            >
                <title>{format!("Replicas: {replicas_label}")}</title>
                {replicas}
            </svg>
        </article>
    }
}

/// One replica as a box in its availability zone's column.
#[component]
fn ReplicaBox(replica: ReplicaView, column: usize, lagging: u64) -> impl IntoView {
    let ctx = expect_context::<ClusterCtx>();
    let x = 2.0 + column as f64 * 80.0;
    let cx = x + 38.0;
    let ReplicaView {
        zone,
        leader,
        caught_up,
        applied_until,
        available,
    } = replica;
    let zone_attr = zone.clone();
    let box_class = match (available, leader, caught_up) {
        (false, _, _) => "replica-box down",
        (true, true, _) => "replica-box leader",
        (true, false, true) => "replica-box",
        (true, false, false) => "replica-box lagging",
    };
    let remaining = move || {
        let now = ctx
            .clock
            .get()
            .map(|c| c.estimate(js_sys::Date::now()))
            .unwrap_or(applied_until);
        applied_until.saturating_sub(now)
    };
    let crown = leader.then(|| {
        let d = format!(
            "M{},16 L{},4 L{},10 L{},1 L{},10 L{},4 L{},16 Z",
            cx - 10.0,
            cx - 12.0,
            cx - 5.0,
            cx,
            cx + 5.0,
            cx + 12.0,
            cx + 10.0
        );
        view! { <g><path class="crown" d=d /></g> }
    });
    let status = if !available {
        let missed = if caught_up {
            "none missed".to_owned()
        } else {
            format!("{lagging} missed")
        };
        view! {
            <g class="down-badge" data-testid="zone-down-badge">
                <text class="replica-down" x=cx y="74" text-anchor="middle">"✕ down"</text>
                <text class="replica-missed" x=cx y="90" text-anchor="middle">{missed}</text>
            </g>
        }
        .into_any()
    } else if caught_up {
        view! {
            <g>
                <text class="replica-ok" x=cx y="84" text-anchor="middle">"✓ in sync"</text>
            </g>
        }
        .into_any()
    } else {
        let behind = format!("{lagging} behind");
        view! {
            <g class="lag-badge" data-testid="lag-badge">
                <rect x=x + 7.0 y="64" width="62" height="32" rx="8" />
                <text x=cx y="77" text-anchor="middle">{behind}</text>
                <text class="lag-ms" x=cx y="91" text-anchor="middle">
                    {move || format!("+{} ms", remaining())}
                </text>
            </g>
        }
        .into_any()
    };
    view! {
        <g
            class="replica"
            data-testid="replica"
            data-az=zone_attr
            data-role=if leader { "LEADER" } else { "FOLLOWER" }
            data-caught-up=if caught_up { "true" } else { "false" }
            data-available=if available { "true" } else { "false" }
        >
            {crown}
            <rect class=box_class x=x y="18" width="76" height="82" rx="6" />
            <text class="replica-zone" x=cx y="36" text-anchor="middle">{zone}</text>
            <text class="replica-role" x=cx y="53" text-anchor="middle">
                {if leader { "leader" } else { "follower" }}
            </text>
            {status}
        </g>
    }
}

/// The split history: which partition became which, newest first.
#[component]
fn SplitLineage(splits: Vec<SplitView>) -> impl IntoView {
    if splits.is_empty() {
        return view! {
            <p class="muted split-none" data-testid="split-lineage-empty">
                "No splits yet: a partition splits in two when it grows past the size limit."
            </p>
        }
        .into_any();
    }
    let rows = splits
        .into_iter()
        .rev()
        .map(|s| {
            let children = s
                .children
                .iter()
                .map(|c| format!("P{c}"))
                .collect::<Vec<_>>()
                .join(" + ");
            let at_hash = s
                .hash
                .map(|h| format!(" at {}…", short_hash(h)))
                .unwrap_or_default();
            let aria = format!(
                "Partition {} split into {} ({}){at_hash}",
                s.parent,
                s.children
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(" and "),
                s.reason,
            );
            view! {
                <li data-testid="split" aria-label=aria>
                    <span class="split-time">{clock_text(s.at)}</span>
                    <span class="split-arrow">
                        <span class="pid">{format!("P{}", s.parent)}</span>
                        <span aria-hidden="true">" → "</span>
                        <span class="pid">{children}</span>
                    </span>
                    <span class="muted">{format!("{}{at_hash}", s.reason)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="split-lineage">
            <h3>"Split lineage"</h3>
            <ol data-testid="split-lineage">{rows}</ol>
        </div>
    }
    .into_any()
}

/// A whole or one-decimal number of units: `5`, `2.5`, `1,500`.
fn units(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let whole = rounded.trunc() as i64;
    let mut digits = whole.unsigned_abs().to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    let sign = if rounded < 0.0 { "-" } else { "" };
    let fraction = (rounded.fract().abs() * 10.0).round() as u64;
    if fraction == 0 {
        format!("{sign}{digits}{grouped}")
    } else {
        format!("{sign}{digits}{grouped}.{fraction}")
    }
}

/// One thin bar: a short label, the level drawn against its maximum, and the figures; its
/// accessible name (and tooltip) says it in words.
fn level_bar(
    label: &'static str,
    words: &'static str,
    value: f64,
    max: f64,
    kind: &'static str,
) -> impl IntoView {
    let level = if max > 0.0 {
        (value / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let text = format!("{} / {}", units(value), units(max));
    let aria = format!("{words}: {} of {}", units(value), units(max));
    let title = aria.clone();
    view! {
        <div class="bucket-row" data-testid="bucket-bar" data-kind=kind>
            <span class="bucket-label">{label}</span>
            <svg class="bucket-bar" width="100%" height="6" role="img" aria-label=aria>
                <title>{title}</title>
                <rect class="bucket-bg" x="0" y="0" width="100%" height="6" rx="3" />
                <rect class=format!("bucket-fill {kind}") x="0" y="0" width=pct(level * 100.0) height="6" rx="3" />
            </svg>
            <span class="bucket-value" aria-hidden="true">{text}</span>
        </div>
    }
}

/// The token buckets of one direction of a provisioned partition: tokens and burst credit.
fn direction_bars(read: bool, level: ThroughputSide) -> impl IntoView {
    let (tokens, burst) = if read {
        (
            (
                "RCU tokens",
                "Read tokens in the bucket, of its allocation per second",
                "read-tokens",
            ),
            (
                "RCU burst",
                "Read burst credit banked, of its 300-second cap",
                "read-burst",
            ),
        )
    } else {
        (
            (
                "WCU tokens",
                "Write tokens in the bucket, of its allocation per second",
                "write-tokens",
            ),
            (
                "WCU burst",
                "Write burst credit banked, of its 300-second cap",
                "write-burst",
            ),
        )
    };
    let tokens = level
        .tokens
        .zip(level.allocated_capacity_units)
        .map(|(t, a)| level_bar(tokens.0, tokens.1, t, a, tokens.2));
    let burst = level
        .burst_credit
        .zip(level.burst_credit_max)
        .map(|(b, m)| level_bar(burst.0, burst.1, b, m, burst.2));
    view! { {tokens} {burst} }
}

/// The requests this partition refused this second and the last, if any: `Throttled
/// writes: 12 this second, 40 the last`.
fn throttled_text(t: &PartitionThroughput) -> Option<String> {
    let parts: Vec<String> = [("reads", &t.read), ("writes", &t.write)]
        .into_iter()
        .filter(|(_, side)| side.throttled_this_second + side.throttled_last_second > 0)
        .map(|(what, side)| {
            format!(
                "{what}: {} this second, {} the last",
                side.throttled_this_second, side.throttled_last_second
            )
        })
        .collect();
    (!parts.is_empty()).then(|| format!("Throttled {}", parts.join("; ")))
}

/// A partition's throughput as thin bars, when DescribePartitions reported it.
#[component]
fn BucketBars(id: u64) -> impl IntoView {
    let ctx = expect_context::<ClusterCtx>();
    let buckets = Memo::new(move |_| ctx.throughput.with(|t| t.get(&id).copied()));
    move || {
        buckets.get().map(|t| {
            let boosted = t.read.adaptive_boost == Some(true) || t.write.adaptive_boost == Some(true);
            let on_demand = t.mode == CapacityMode::OnDemand;
            let body = if on_demand {
                view! {
                    <p class="bucket-caption">"Used last second, of the partition maximum"</p>
                    {level_bar("RRU", "Read request units used last second, of the partition maximum", t.read.consumed_last_second, t.read.partition_limit_per_second, "read-tokens")}
                    {level_bar("WRU", "Write request units used last second, of the partition maximum", t.write.consumed_last_second, t.write.partition_limit_per_second, "write-tokens")}
                }
                .into_any()
            } else {
                view! {
                    {direction_bars(false, t.write)}
                    {direction_bars(true, t.read)}
                }
                .into_any()
            };
            view! {
                <div class="bucket-bars" data-testid="bucket-bars" data-mode=if on_demand { "ON_DEMAND" } else { "PROVISIONED" }>
                    {body}
                    {boosted.then(|| view! { <p class="bucket-boost">"adaptive capacity: boosted"</p> })}
                    {throttled_text(&t).map(|text| view! { <p class="bucket-throttled" data-testid="partition-throttled">{text}</p> })}
                </div>
            }
        })
    }
}
