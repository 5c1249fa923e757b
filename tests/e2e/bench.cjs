// Browser figures for `make bench` (printed, never asserted): acknowledged PutItem/s through
// window.dynoscope with 1,000 concurrent requests (group commit; the median of five rounds
// after a first one reported apart) and one at a time, GetItem/s one at a time (through the
// first load's engine, and again through the full engine in a workspace of its own), the
// time to apply a model that loads 10,000 generated items, and the time to open a database of
// 110,000 items, and the frame times of the item grid scrolled through 100,000 items. Each acknowledgement comes after
// IndexedDB committed the write. Run by scripts/bench-browser.sh against a served dist/.
'use strict';

const helpers = require('./helpers.cjs');

function item(i) {
  return { pk: { S: `user#${i}` }, name: { S: `name ${i}` }, n: { N: String(i) } };
}

async function main() {
  const browser = await helpers.launch();
  const { page } = browser;
  try {
    // Home reads nothing, so the figures are the engine and IndexedDB, not re-rendering.
    await helpers.open(page, '/');
    const figures = await page.evaluate(async (items) => { try {
      const d = window.dynoscope;
      await d.send('CreateTable', {
        TableName: 'bench',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      // The figures are the engine's and IndexedDB's: the simulated table must not throttle
      // (a new on-demand table would, past 4,000 writes a second).
      await d.send('Dynoscope_SetSimulation', { TableName: 'bench', Throttling: false });
      const out = { rounds: [] };
      // Six rounds of 1,000 concurrent puts (new keys each round). The first runs while
      // Chromium still executes the wasm with its baseline compiler (it optimises hot
      // functions as they run) and is reported on its own; the median of the other five is
      // the figure.
      for (let round = 0; round < 6; round++) {
        const t0 = performance.now();
        await Promise.all(items.map((it) => d.send('PutItem', {
          TableName: 'bench', Item: { ...it, pk: { S: `${it.pk.S}#${round}` } },
        })));
        out.rounds.push(items.length / ((performance.now() - t0) / 1000));
      }
      out.cold = out.rounds.shift();
      const sorted = [...out.rounds].sort((a, b) => a - b);
      out.concurrent = sorted[2];
      let t = performance.now();
      for (const it of items) await d.send('PutItem', { TableName: 'bench', Item: it });
      out.sequential = items.length / ((performance.now() - t) / 1000);
      // IndexedDB alone, one small readwrite transaction at a time and awaited: the floor
      // under any acknowledged write one at a time.
      const raw = await new Promise((resolve, reject) => {
        const open = indexedDB.open('bench-floor', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('journal', { autoIncrement: true });
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      t = performance.now();
      for (let i = 0; i < items.length; i++) {
        await new Promise((resolve, reject) => {
          const tx = raw.transaction('journal', 'readwrite');
          tx.objectStore('journal').put(JSON.stringify([items[i]]));
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
      }
      out.floor = items.length / ((performance.now() - t) / 1000);
      raw.close();
      // Reads, one at a time and awaited: the JS bridge's cost per call on top of the engine
      // (the second pass is the figure; the first warms the code).
      for (let pass = 0; pass < 2; pass++) {
        t = performance.now();
        for (let i = 0; i < 20000; i++) {
          await d.send('GetItem', { TableName: 'bench', Key: { pk: items[i % items.length].pk } });
        }
        out.gets = 20000 / ((performance.now() - t) / 1000);
      }
      return out;
    } catch (e) { throw new Error(`a bench request failed: ${e && e.name}: ${e && e.message}`); } }, Array.from({ length: 1000 }, (_, i) => item(i)));
    const model = {
      format: 'dynoscope-model',
      version: 1,
      name: 'Ten thousand',
      tables: [{
        definition: {
          TableName: 'ten_thousand',
          KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
          AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        },
        entities: [{
          name: 'Event',
          keys: [{ attribute: 'PK', template: 'DEVICE#{deviceId}' }, { attribute: 'SK', template: 'EVENT#{eventId}' }],
          attributes: [{ name: 'deviceId', type: 'S' }, { name: 'eventId', type: 'S' }, { name: 'reading', type: 'N' }],
          count: 10000,
        }],
      }],
    };
    const load = await page.evaluate(async (m) => {
      const t = performance.now();
      const summary = await window.dynoscope.importModel(JSON.stringify(m));
      return { ms: performance.now() - t, items: summary.items };
    }, model);
    // A database of 100,000 more items, then a reload: the time from navigation to the
    // engine restored and serving (window.dynoscope.ready), wasm download and compile included.
    const big = JSON.parse(JSON.stringify(model));
    big.tables[0].definition.TableName = 'hundred_thousand';
    big.tables[0].entities[0].count = 100000;
    await page.evaluate((m) => window.dynoscope.importModel(JSON.stringify(m)), big);
    // The database as a later visit finds it: the tab folds its journal into pages once the
    // writes stop (a reload right after the import would replay the journal instead).
    await page.waitForFunction(() => new Promise((resolve) => {
      const open = indexedDB.open('dynoscope');
      open.onsuccess = () => {
        const db = open.result;
        const count = db.transaction('journal').objectStore('journal').count();
        count.onsuccess = () => { db.close(); resolve(count.result === 0); };
      };
    }), null, { timeout: 300000, polling: 1000 });
    const opens = [];
    for (let i = 0; i < 3; i++) {
      // A tab that has just restored 100,000 items is busy for some seconds (the previous
      // page torn down, what the restore left collected); reloading at once measures that,
      // not the open. Each reload comes after five quiet seconds.
      await page.waitForTimeout(5000);
      await page.goto(`${helpers.BASE_URL}/tables`);
      await page.waitForFunction(() => window.dynoscope !== undefined);
      opens.push(await page.evaluate(() => window.dynoscope.ready.then(() => performance.now())));
    }
    const open = [...opens].sort((a, b) => a - b)[1];
    // The item grid through 100,000 items: scrolled five screens a frame to the end (pages
    // read as it goes), every frame's length measured with requestAnimationFrame.
    await page.goto(`${helpers.BASE_URL}/tables/hundred_thousand`);
    await page.waitForFunction(() => document.querySelector('[data-testid="grid-count"]'));
    // For about ten seconds after opening 100,000 items the tab is still busy (collecting
    // what the restore left behind) and frames run two to four times longer; the figure is
    // the grid's own, once the tab is idle.
    await page.waitForTimeout(15000);
    const grid = await page.evaluate(async () => {
      const view = document.querySelector('.grid-viewport');
      const frames = [];
      let last = performance.now();
      const start = last;
      for (let step = 0; step < 5000; step++) {
        view.scrollTop += 5 * view.clientHeight;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
        const done = document.querySelector('[data-testid="grid-count"]').textContent === '100,000 items.';
        if (done && view.scrollTop + view.clientHeight >= view.scrollHeight - 1) break;
      }
      frames.sort((a, b) => a - b);
      return {
        frames: frames.length,
        max: frames[frames.length - 1],
        p95: frames[Math.floor(frames.length * 0.95)],
        ms: performance.now() - start,
        rows: document.querySelectorAll('[data-testid="item-row"]').length,
      };
    });
    // The full engine (the second module), loaded in a workspace of its own by a PartiQL
    // statement: GetItem one at a time again, each request and its answer crossing as text.
    await page.goto(`${helpers.BASE_URL}/?ws=bench-full`);
    await page.waitForFunction(() => window.dynoscope !== undefined);
    const fullGets = await page.evaluate(async () => {
      const d = window.dynoscope;
      await d.ready;
      await d.send('CreateTable', {
        TableName: 'bench',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      await d.send('Dynoscope_SetSimulation', { TableName: 'bench', Throttling: false });
      await d.send('ExecuteStatement', { Statement: "INSERT INTO bench VALUE {'pk': 'k'}" });
      let gets = 0;
      for (let pass = 0; pass < 2; pass++) {
        const t = performance.now();
        for (let i = 0; i < 20000; i++) await d.send('GetItem', { TableName: 'bench', Key: { pk: { S: 'k' } } });
        gets = 20000 / ((performance.now() - t) / 1000);
      }
      return gets;
    });
    console.log(`browser (Chromium, IndexedDB, acknowledged after commit):`);
    const rounds = figures.rounds.map((r) => Math.round(r).toLocaleString('en')).join(', ');
    console.log(`  PutItem, 1,000 concurrent        ${Math.round(figures.concurrent).toLocaleString('en')} /s (median of 5 rounds: ${rounds}; first round, code not yet optimised: ${Math.round(figures.cold).toLocaleString('en')} /s)`);
    console.log(`  PutItem, one at a time           ${Math.round(figures.sequential).toLocaleString('en')} /s (IndexedDB alone, one transaction at a time: ${Math.round(figures.floor).toLocaleString('en')} /s)`);
    console.log(`  GetItem, one at a time           ${Math.round(figures.gets).toLocaleString('en')} /s (awaited through window.dynoscope)`);
    console.log(`  GetItem, one at a time, full engine ${Math.round(fullGets).toLocaleString('en')} /s (the second module, loaded for PartiQL)`);
    console.log(`  apply a model of ${load.items.toLocaleString('en')} items   ${Math.round(load.ms).toLocaleString('en')} ms`);
    console.log(`  open a database of 110,000 items  ${Math.round(open).toLocaleString('en')} ms to ready (median of 3 reloads: ${opens.map((t) => Math.round(t)).join(', ')})`);
    console.log(`  item grid, 100,000 items          ${grid.frames.toLocaleString('en')} frames, five screens each, to the end in ${Math.round(grid.ms).toLocaleString('en')} ms: longest frame ${Math.round(grid.max)} ms, 95th percentile ${Math.round(grid.p95)} ms (${grid.rows} rows in the document)`);
    helpers.assertNoPageProblems(browser.problems);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
