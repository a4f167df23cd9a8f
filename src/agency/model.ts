import { Type, type Static } from '@sinclair/typebox'
import { AGENT_ROLES, IsoTime, literalUnion, MODEL_PROVIDERS, Nullable, RUN_STATUSES, STEP_KINDS, STEP_STATUSES, SWARM_STATUSES } from '../db'

// The transition table is tested against every status.
export { SWARM_STATUSES }

/** Letters, digits, `-`, `_`, `.`; 1..64 characters. Used for agent and swarm names. */
const NAME_PATTERN = '^[A-Za-z0-9._-]{1,64}$'
export const Name = Type.String({ pattern: NAME_PATTERN, minLength: 1, maxLength: 64, description: "1 to 64 letters, digits, '-', '_' or '.'" })

export const AgentRole = literalUnion(AGENT_ROLES)
export type AgentRole = (typeof AGENT_ROLES)[number]

/** The tools an agent may be given. */
export const TOOL_NAMES = ['file_read', 'file_write', 'terminal', 'code_search', 'http_request', 'calculator'] as const
export const ToolName = literalUnion(TOOL_NAMES)
export type ToolName = (typeof TOOL_NAMES)[number]

export const ModelProvider = literalUnion(MODEL_PROVIDERS)
export type ModelProvider = (typeof MODEL_PROVIDERS)[number]

/** Defaults applied when an agent is created without them. */
export const DEFAULT_ROLE: AgentRole = 'assistant'
export const DEFAULT_TEMPERATURE = 0.7

const Instruction = Type.String({ minLength: 1, pattern: '\\S', description: "the agent's system prompt (non-empty text)" })
const ModelName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^\\S+$',
  description: 'a model name without spaces, e.g. gpt-4o, claude-sonnet-4-5, gemini-2.0-flash, ollama/llama3.2',
})
const Temperature = Type.Number({ minimum: 0, maximum: 2 })
const MaxTokens = Type.Integer({ minimum: 1 })
const Tools = Type.Array(ToolName, { uniqueItems: true })
const Description = Type.String({ maxLength: 10_000 })

/** An agent as the API returns it. */
export const Agent = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  instruction: Type.String(),
  role: AgentRole,
  model: Type.String(),
  provider: ModelProvider,
  temperature: Type.Number(),
  maxTokens: Nullable(Type.Integer()),
  tools: Type.Array(ToolName),
  createdAt: IsoTime,
  updatedAt: IsoTime,
})
export type Agent = Static<typeof Agent>

/** Body of `POST /api/v1/agents`. */
export const AgentCreate = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    instruction: Instruction,
    role: Type.Optional(AgentRole),
    model: ModelName,
    provider: Type.Optional(ModelProvider),
    temperature: Type.Optional(Temperature),
    maxTokens: Type.Optional(MaxTokens),
    tools: Type.Optional(Tools),
  },
  { additionalProperties: false },
)
export type AgentCreate = Static<typeof AgentCreate>

/** Body of `PUT /api/v1/agents/:id`: any subset of the create fields; `maxTokens: null` clears the limit. */
export const AgentUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    instruction: Type.Optional(Instruction),
    role: Type.Optional(AgentRole),
    model: Type.Optional(ModelName),
    provider: Type.Optional(ModelProvider),
    temperature: Type.Optional(Temperature),
    maxTokens: Type.Optional(Nullable(MaxTokens)),
    tools: Type.Optional(Tools),
  },
  { additionalProperties: false },
)
export type AgentUpdate = Static<typeof AgentUpdate>

/** Body of `POST /api/v1/agents/:id/clone`. */
export const AgentClone = Type.Object({ name: Type.Optional(Name) }, { additionalProperties: false })
export type AgentClone = Static<typeof AgentClone>

export const SwarmStatus = literalUnion(SWARM_STATUSES)
export type SwarmStatus = (typeof SWARM_STATUSES)[number]

export const RunStatus = literalUnion(RUN_STATUSES)
export type RunStatus = (typeof RUN_STATUSES)[number]

/** The newest run of a swarm, as shown on the swarm. */
export const RunSummary = Type.Object({
  id: Type.String(),
  status: RunStatus,
  prompt: Type.String(),
  startedAt: IsoTime,
  endedAt: Nullable(IsoTime),
})
export type RunSummary = Static<typeof RunSummary>

/** A swarm as the API returns it; `coordinator` and `workers` are agent names. */
export const Swarm = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  coordinator: Type.String(),
  workers: Type.Array(Type.String()),
  status: SwarmStatus,
  createdAt: IsoTime,
  updatedAt: IsoTime,
  lastRun: Nullable(RunSummary),
})
export type Swarm = Static<typeof Swarm>

const AgentRef = Type.String({ minLength: 1, description: 'an agent name or id' })
const Workers = Type.Array(AgentRef, { minItems: 1, maxItems: 32 })

/** Body of `POST /api/v1/swarms`. */
export const SwarmCreate = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    coordinator: AgentRef,
    workers: Workers,
  },
  { additionalProperties: false },
)
export type SwarmCreate = Static<typeof SwarmCreate>

/** Body of `PUT /api/v1/swarms/:id`: any subset of the create fields. */
export const SwarmUpdate = Type.Partial(SwarmCreate, { additionalProperties: false })
export type SwarmUpdate = Static<typeof SwarmUpdate>

/** Body of `POST /api/v1/swarms/:id/start`. `workspace` is an existing directory; default: a fresh one in the data dir. */
export const RunStart = Type.Object(
  {
    prompt: Type.String({ minLength: 1, pattern: '\\S', maxLength: 1_000_000 }),
    workspace: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
)
export type RunStart = Static<typeof RunStart>

/** Answer of `POST /api/v1/swarms/:id/start` (202). `sessionId` is the recorded session to watch. */
export const RunStarted = Type.Object({ runId: Type.String(), sessionId: Type.String(), status: Type.Literal('running') })
export type RunStarted = Static<typeof RunStarted>

export const StepKind = literalUnion(STEP_KINDS)
export type StepKind = (typeof STEP_KINDS)[number]

export const StepStatus = literalUnion(STEP_STATUSES)
export type StepStatus = (typeof STEP_STATUSES)[number]

/** Tokens a model call reported. */
export const TokenUsage = Type.Object({ input: Type.Integer({ minimum: 0 }), output: Type.Integer({ minimum: 0 }) })
export type TokenUsage = Static<typeof TokenUsage>

/** One worker's share of the task. */
export const Assignment = Type.Object({ worker: Type.String(), task: Type.String() })
export type Assignment = Static<typeof Assignment>

/** The plan a run follows; `fallback` is true when the coordinator's reply could not be used (every worker gets the whole task). */
export const Plan = Type.Object({ assignments: Type.Array(Assignment), fallback: Type.Boolean() })
export type Plan = Static<typeof Plan>

/** A tool call a model asked for; `arguments` is the JSON it sent (its raw text when that was not JSON). */
export const StepToolCall = Type.Object({ id: Type.String(), name: Type.String(), arguments: Type.Unknown() })

/** A message sent to a model, as a model step records it. */
export const StepMessage = Type.Union([
  Type.Object({ role: literalUnion(['system', 'user'] as const), content: Type.String() }),
  Type.Object({ role: Type.Literal('assistant'), content: Type.String(), toolCalls: Type.Array(StepToolCall) }),
  Type.Object({ role: Type.Literal('tool'), callId: Type.String(), name: Type.String(), content: Type.String(), isError: Type.Boolean() }),
])
export type StepMessage = Static<typeof StepMessage>

/** The output of a step that failed or was stopped before it had one. */
export const StepFailure = Type.Object({ error: Type.String() })

const StepCommon = {
  index: Type.Integer({ minimum: 0 }),
  agent: Type.String(),
  tokens: Nullable(TokenUsage),
  startedAt: IsoTime,
  endedAt: Nullable(IsoTime),
  status: StepStatus,
}

/** A model call (`plan`, `work`, `synthesis`): `input` is what it sent that the agent's previous call did not; `output` is null while it runs. */
export const ModelStep = Type.Object({
  ...StepCommon,
  kind: literalUnion(['plan', 'work', 'synthesis'] as const),
  input: Type.Array(StepMessage),
  output: Nullable(Type.Union([Type.Object({ text: Type.String(), toolCalls: Type.Array(StepToolCall), plan: Type.Optional(Plan) }), StepFailure])),
})

/** A tool call: `output.text` is exactly what the model was handed back, `isError` whether it was told the call failed. */
export const ToolStep = Type.Object({
  ...StepCommon,
  kind: Type.Literal('tool'),
  input: Type.Object({ tool: Type.String(), callId: Type.String(), arguments: Type.Unknown() }),
  output: Nullable(Type.Union([Type.Object({ text: Type.String(), isError: Type.Boolean() }), StepFailure])),
})

/** One step of a run; `input` and `output` are JSON values of the shapes above, never JSON text in a string. */
export const RunStep = Type.Union([ModelStep, ToolStep])
export type RunStep = Static<typeof RunStep>

/** A run without its steps (list entries of `GET /api/v1/swarms/:id/runs`). */
export const RunListItem = Type.Object({
  id: Type.String(),
  swarmId: Type.String(),
  sessionId: Type.String(),
  status: RunStatus,
  prompt: Type.String(),
  workspace: Type.String(),
  result: Nullable(Type.String()),
  error: Nullable(Type.String()),
  startedAt: IsoTime,
  endedAt: Nullable(IsoTime),
})
export type RunListItem = Static<typeof RunListItem>

/** A run with all its steps; `result` is the coordinator's final answer. */
export const Run = Type.Composite([RunListItem, Type.Object({ steps: Type.Array(RunStep) })])
export type Run = Static<typeof Run>

/** What deleting an agent or a swarm answers. */
export const Deleted = Type.Object({ id: Type.String(), deleted: Type.Literal(true) })
export type Deleted = Static<typeof Deleted>

/** What a run reports while it goes, in order: `start`, then steps, the plan, pauses, then `end` (`swarm run` shows it). */
export const RunProgress = Type.Union([
  Type.Object({
    type: Type.Literal('start'),
    runId: Type.String(),
    sessionId: Type.String(),
    swarm: Type.String(),
    coordinator: Type.String(),
    workers: Type.Array(Type.String()),
    workspace: Type.String({ description: 'the folder the agents work in' }),
  }),
  Type.Object({ type: Type.Literal('step-start'), index: Type.Integer({ minimum: 0 }), agent: Type.String(), kind: StepKind, detail: Type.String() }),
  Type.Object({
    type: Type.Literal('step-end'),
    index: Type.Integer({ minimum: 0 }),
    agent: Type.String(),
    kind: StepKind,
    status: StepStatus,
    detail: Type.String(),
  }),
  Type.Object({ type: Type.Literal('plan'), plan: Plan }),
  Type.Object({ type: Type.Literal('pausing') }, { description: 'a pause was asked for: calls in flight finish first' }),
  Type.Object({ type: Type.Literal('paused') }, { description: 'the pause took hold: the run waits at a step boundary' }),
  Type.Object({ type: Type.Literal('resumed') }),
  Type.Object({ type: Type.Literal('end'), status: RunStatus, result: Nullable(Type.String()), error: Nullable(Type.String()) }),
])
export type RunProgress = Static<typeof RunProgress>
