//! The Cluster view of the selected table: what DynamoDB keeps hidden, drawn from the
//! engine's `Dynoscope_` operations. [`ClusterView`] lays out the clock bar and the
//! simulation preset, the partition map, the capacity chart, the item locator and the event
//! timeline, the stream viewer and the cost panel, the folds that need the full engine
//! (regions, DAX, IAM principals: [`super::beyond`]), and provides them a [`ClusterCtx`]: a
//! refresh tick (a light 500 ms interval while the view is mounted and the page visible,
//! cleared on unmount), the last clock reading, the located item, the table's preset and the
//! partitions the map last read (ids and token buckets). Each panel fetches its own data when
//! the tick moves or the UI writes (`AppState::revision`).

use std::collections::BTreeMap;
use std::time::Duration;

use dynoscope_engine::SimulationSettings;
use dynoscope_engine::contract::{
    ClockDescription, ClockModeName, PartitionThroughput, SimulationView,
};
use leptos::prelude::*;
use serde_json::json;

use super::beyond::BeyondFolds;
use super::capacity_chart::CapacityChart;
use super::clock::ClockBar;
use super::cost_panel::CostPanel;
use super::load_generator::LoadGenerator;
use super::locate::ItemLocator;
use super::partition_map::PartitionMap;
use super::simulation::SimulationControl;
use super::stream_viewer::StreamViewer;
use super::timeline::EventTimeline;
use super::{AppState, TableInfo};

/// How often the view refreshes while it is shown.
const REFRESH: Duration = Duration::from_millis(500);

/// The engine's virtual clock as last read, and when (host time) it was read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockReading {
    pub now_millis: u64,
    /// `None` when stepped (paused); the speed when real-time.
    pub speed: Option<f64>,
    /// `Date.now()` when this reading arrived, to run the display on between readings.
    pub read_at: f64,
}

impl ClockReading {
    /// The reading a clock operation answered with, taken now.
    pub fn from_description(described: &ClockDescription) -> ClockReading {
        let clock = &described.clock;
        ClockReading {
            now_millis: clock.now_millis,
            speed: match clock.mode {
                ClockModeName::Realtime => Some(clock.speed.unwrap_or(1.0)),
                ClockModeName::Stepped => None,
            },
            read_at: js_sys::Date::now(),
        }
    }

    /// The virtual time now, running on from the reading at its speed.
    pub fn estimate(&self, host_now: f64) -> u64 {
        match self.speed {
            Some(speed) => {
                let elapsed = ((host_now - self.read_at) * speed).max(0.0);
                self.now_millis.saturating_add(elapsed as u64)
            }
            None => self.now_millis,
        }
    }
}

/// Where the item locator found an item: the partition and the item's hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub partition_id: u64,
    pub hash: u64,
    /// The item's key as short text, for labels.
    pub label: String,
}

/// What the Cluster view's panels share. Copy: every field is an arena handle.
#[derive(Clone, Copy)]
pub struct ClusterCtx {
    /// Moves every [`REFRESH`] and after the clock is changed: panels refetch.
    tick: RwSignal<u64>,
    /// The app's write counter (`AppState::revision`).
    revision: RwSignal<u64>,
    /// The last clock reading.
    pub clock: RwSignal<Option<ClockReading>>,
    /// The item the locator found, highlighted in the map.
    pub located: RwSignal<Option<Located>>,
    /// The table's simulation settings, as the simulation control last read them.
    pub simulation: RwSignal<Option<SimulationView>>,
    /// The partition the pointer is over (a card or a keyspace segment).
    pub hovered: RwSignal<Option<u64>>,
    /// The table's partition ids in keyspace order, as the partition map last read them.
    pub partitions: RwSignal<Vec<u64>>,
    /// Each partition's throughput buckets, as the partition map last read them.
    pub throughput: RwSignal<BTreeMap<u64, PartitionThroughput>>,
}

impl ClusterCtx {
    /// Subscribes the running effect to refreshes: the tick and the UI's writes.
    pub fn track(&self) {
        self.tick.track();
        self.revision.track();
    }

    /// Asks every panel to refetch now (after a clock or settings change).
    pub fn refresh(&self) {
        self.tick.update(|t| *t += 1);
    }

    /// The partition size limit the map measures fill levels against.
    pub fn partition_limit(&self) -> u64 {
        let settings = self
            .simulation
            .get()
            .unwrap_or_else(|| SimulationView::from(&SimulationSettings::playground()));
        settings.partition_size_limit_bytes
    }
}

/// Whether the page is hidden (a background tab): the interval then skips its refresh.
fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// The `Dynoscope_` panels for one table.
#[component]
pub fn ClusterView(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = ClusterCtx {
        tick: RwSignal::new(0),
        revision: state.revision,
        clock: RwSignal::new(None),
        located: RwSignal::new(None),
        simulation: RwSignal::new(None),
        hovered: RwSignal::new(None),
        partitions: RwSignal::new(Vec::new()),
        throughput: RwSignal::new(BTreeMap::new()),
    };
    provide_context(ctx);

    match set_interval_with_handle(
        move || {
            if !page_hidden() {
                ctx.tick.try_update(|t| *t += 1);
            }
        },
        REFRESH,
    ) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(e) => web_sys::console::warn_2(&"dynoscope: no refresh interval".into(), &e),
    }

    // The grid loads the table's description; this view may be opened without it.
    {
        let table = table.clone();
        Effect::new(move |_| {
            if state.info.get_untracked().is_some_and(|i| i.name == table) {
                return;
            }
            let table = table.clone();
            leptos::task::spawn_local(async move {
                if let Ok(described) = state
                    .send("DescribeTable", &json!({ "TableName": table }))
                    .await
                    && state.selected.get_untracked().as_deref() == Some(table.as_str())
                {
                    state.info.set(TableInfo::from_describe(&described));
                }
            });
        });
    }

    view! {
        <div class="cluster" data-testid="cluster-view">
            <section class="panel cluster-controls" aria-label="Simulation controls">
                <ClockBar />
                <SimulationControl table=table.clone() />
            </section>
            <PartitionMap table=table.clone() />
            <CapacityChart table=table.clone() />
            <LoadGenerator table=table.clone() />
            <div class="cluster-lower">
                <ItemLocator table=table.clone() />
                <EventTimeline table=table.clone() />
            </div>
            <div class="cluster-lower">
                <StreamViewer table=table.clone() />
                <CostPanel table=table.clone() />
            </div>
            <BeyondFolds table=table />
        </div>
    }
}
