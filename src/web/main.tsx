import { render } from 'preact'
import { App } from './app'
import './keyboard'

render(<App />, document.getElementById('app')!)
