import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { openDatabase } from '../../src/db'
import { createMcpServer } from '../../src/mcp'
import { silentLogger } from '../../src/shared/log'
import { mcpContract } from './contract'

// The SDK's own client and server, linked in memory: the whole protocol without a process boundary.
mcpContract('an in-memory transport', async (dbPath) => {
  const chasm = openDatabase(dbPath)
  const server = createMcpServer({ sqlite: chasm.sqlite, dbPath, version: 'test', log: silentLogger })
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  const client = new Client({ name: 'chasm-test', version: '1' })
  await client.connect(clientSide)
  return {
    client,
    async close() {
      await client.close()
      await server.close()
      chasm.close()
    },
  }
})
