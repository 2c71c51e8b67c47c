// The `orders` stream's group, live: Motia's browser client receives the group's sync, then
// every create, update and delete. `?group=` picks the group (CreateOrder writes `pending`).
import { Stream } from '@motiadev/stream-client-browser'

const group = new URLSearchParams(location.search).get('group') ?? 'pending'
const status = document.getElementById('status')
const rows = document.getElementById('orders')
document.getElementById('group').textContent = group

function showStatus(state, text) {
  status.dataset.state = state
  status.textContent = text
}

function cell(text) {
  const td = document.createElement('td')
  td.textContent = text ?? ''
  return td
}

function render(orders) {
  rows.replaceChildren(...orders.map((order) => {
    const tr = document.createElement('tr')
    tr.dataset.id = order.id
    tr.append(cell(order.id), cell(order.item), cell(String(order.amount)), cell(order.status))
    return tr
  }))
  showStatus('live', `live: ${orders.length} order(s), updated ${new Date().toLocaleTimeString()}`)
}

// motia dev says where its stream server listens (docs/streams.md).
const config = await (await fetch('/__motia/dev.json')).json()
if (!config.wsUrl) {
  showStatus('closed', 'this project has no streams: motia dev serves no stream server')
} else {
  const stream = new Stream(config.wsUrl)
  stream.subscribeGroup('orders', group).addChangeListener((orders) => render(orders ?? []))
}

document.getElementById('new-order').addEventListener('submit', async (event) => {
  event.preventDefault()
  const form = new FormData(event.target)
  await fetch('/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ item: form.get('item'), amount: Number(form.get('amount')) }),
  })
})
