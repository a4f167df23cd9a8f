export { startServer, type ChasmServer, type ServerOptions } from './start'
