// Subscribe with Motia's own Node client and print every state it reaches, one JSON line each:
//   node watch.mjs <ws url> <token> <stream> <group> [item]
// Runs until stdin closes (the test ends it).
import { Stream } from '@motiadev/stream-client-node'

const [url, token, streamName, groupId, itemId] = process.argv.slice(2)
const stream = new Stream(url, { protocols: ['Authorization', token] })
const print = (kind) => (state) => process.stdout.write(JSON.stringify({ kind, state }) + '\n')

stream.subscribeGroup(streamName, groupId).addChangeListener(print('group'))
if (itemId) stream.subscribeItem(streamName, groupId, itemId).addChangeListener(print('item'))

process.stdin.resume()
process.stdin.on('end', () => {
  stream.close()
  process.exit(0)
})
