import { runMain } from './main.js';
import { runPost } from './post.js';
import { isPost } from './state.js';

// One bundle serves both entries of action.yml, as actions/checkout does: the state tells post from main.
await (isPost() ? runPost() : runMain());
