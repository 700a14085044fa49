// The analysts' dashboard: plain browser JavaScript, no build step. It holds the access token in
// memory only (never in storage) and reads the analytics API like any other client.
'use strict';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const DAY = 86_400_000;
let token = null;
let chart = null;

const $ = (selector) => document.querySelector(selector);

async function api(path) {
  const answer = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  const body = await answer.json();
  if (!answer.ok) throw new Error(body.title ?? `HTTP ${answer.status}`);
  return body;
}

/** The range as instants: from the start of `from` to the end of `to` (UTC days). */
function range(form) {
  const from = new Date(`${form.from.value}T00:00:00Z`).toISOString();
  const to = new Date(Date.parse(`${form.to.value}T00:00:00Z`) + DAY).toISOString();
  return `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
}

function percent(value) {
  return value === null ? '—' : `${Math.round(value * 100)}%`;
}

function colour(value) {
  if (value === null) return '';
  const light = 96 - Math.round(Math.min(1, value) * 56);
  return `hsl(210 70% ${light}%)`;
}

function renderHeatmap({ cells, minGroupSize }) {
  const table = $('#heatmap');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  head.appendChild(document.createElement('th'));
  for (let hour = 0; hour < 24; hour += 1) {
    const th = document.createElement('th');
    th.textContent = String(hour);
    head.appendChild(th);
  }
  const byKey = new Map(cells.map((cell) => [`${cell.weekday}/${cell.hour}`, cell]));
  const body = table.createTBody();
  for (let weekday = 1; weekday <= 7; weekday += 1) {
    const row = body.insertRow();
    const th = document.createElement('th');
    th.textContent = WEEKDAYS[weekday - 1];
    row.appendChild(th);
    for (let hour = 0; hour < 24; hour += 1) {
      const cell = byKey.get(`${weekday}/${hour}`);
      const td = row.insertCell();
      td.dataset.weekday = String(weekday);
      td.dataset.hour = String(hour);
      if (!cell || cell.capacityMinutes === 0) {
        td.className = 'closed';
        continue;
      }
      if (cell.suppressed) {
        td.className = 'suppressed';
        td.title = `fewer than ${minGroupSize} bookings: suppressed`;
        td.textContent = '·';
        td.dataset.occupancy = 'suppressed';
        continue;
      }
      td.dataset.occupancy = String(cell.occupancy);
      td.textContent = percent(cell.occupancy);
      td.style.background = colour(cell.occupancy);
    }
  }
  $('#k').textContent = `(cells from fewer than ${minGroupSize} bookings are suppressed)`;
}

function renderOccupancy(items) {
  const floors = [...new Set(items.map((bucket) => bucket.key))].sort();
  const days = [...new Set(items.map((bucket) => Date.parse(bucket.start) / 1000))].sort((a, b) => a - b);
  const series = floors.map((floor) => days.map((day) => items.find((bucket) => bucket.key === floor && Date.parse(bucket.start) / 1000 === day)?.occupancy ?? null));
  const target = $('#occupancy-chart');
  chart?.destroy();
  target.replaceChildren();
  target.dataset.floors = String(floors.length);
  chart = new window.uPlot(
    {
      width: Math.min(960, document.body.clientWidth - 40),
      height: 260,
      scales: { y: { range: [0, 1] } },
      axes: [{}, { values: (_u, ticks) => ticks.map((tick) => `${Math.round(tick * 100)}%`) }],
      series: [{}, ...floors.map((floor, i) => ({ label: `floor ${floor.split('/').pop()}`, stroke: `hsl(${(i * 67) % 360} 60% 45%)`, spanGaps: false }))],
    },
    [days, ...series],
    target,
  );
}

function renderNoShows(items) {
  const table = $('#no-shows');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const title of ['week of', 'bookings', 'no-shows', 'rate']) {
    const th = document.createElement('th');
    th.textContent = title;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const bucket of items) {
    const row = body.insertRow();
    row.dataset.start = bucket.start;
    for (const value of [bucket.start.slice(0, 10), bucket.bookings ?? '—', bucket.noShows ?? '—', percent(bucket.noShowRate)]) row.insertCell().textContent = String(value);
  }
}

async function show(event) {
  event?.preventDefault();
  const form = $('#filters');
  const location = form.location.value;
  const floor = form.floor.value;
  $('#status').textContent = 'loading…';
  try {
    const window = range(form);
    const floorParam = floor ? `&floor=${encodeURIComponent(floor)}` : '';
    const [heatmap, perFloor, weekly] = await Promise.all([
      api(`/v1/analytics/heatmap?${window}&locationId=${location}${floorParam}`),
      api(`/v1/analytics/utilization?${window}&groupBy=floor&granularity=day&locationId=${location}${floorParam}`),
      api(`/v1/analytics/utilization?${window}&groupBy=location&granularity=week&locationId=${location}`),
    ]);
    renderHeatmap(heatmap);
    renderOccupancy(perFloor.items);
    renderNoShows(weekly.items);
    $('#status').textContent = 'ready';
    document.body.dataset.state = 'ready';
  } catch (error) {
    $('#status').textContent = error.message;
  }
}

async function loadPlaces() {
  const form = $('#filters');
  const to = new Date();
  const from = new Date(to.getTime() - 30 * DAY);
  form.from.value ||= from.toISOString().slice(0, 10);
  form.to.value ||= to.toISOString().slice(0, 10);
  const { items } = await api(`/v1/analytics/utilization?${range(form)}&groupBy=floor&granularity=month`);
  const locations = [...new Set(items.map((bucket) => bucket.locationId))];
  form.location.replaceChildren(...locations.map((id) => new Option(id, id)));
  const floors = () => [...new Set(items.filter((bucket) => bucket.locationId === form.location.value).map((bucket) => bucket.key.split('/').pop()))].sort();
  const fillFloors = () => form.floor.replaceChildren(new Option('all floors', ''), ...floors().map((floor) => new Option(floor, floor)));
  fillFloors();
  form.location.onchange = fillFloors;
}

$('#login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  $('#login-error').textContent = '';
  const answer = await fetch('/v1/auth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantId: form.tenantId.value.trim(), email: form.email.value.trim(), password: form.password.value }),
  });
  const body = await answer.json();
  if (!answer.ok) {
    $('#login-error').textContent = body.title ?? 'sign-in failed';
    return;
  }
  token = body.accessToken;
  form.password.value = '';
  form.hidden = true;
  $('#dashboard').hidden = false;
  try {
    await loadPlaces();
    await show();
  } catch (error) {
    $('#status').textContent = error.message;
  }
});

$('#filters').addEventListener('submit', show);
