//! `BaseEventLoop._set_coroutine_origin_tracking`: a loop in debug mode records where
//! coroutines are made (`cr_origin`) while it runs, so that "coroutine ... was never
//! awaited" shows it, and restores the depth it found when it stops.

use crate::vm::value::ObjRef;
use crate::vm::Vm;

/// `asyncio.constants.DEBUG_STACK_DEPTH`
const DEBUG_STACK_DEPTH: u32 = 10;

impl Vm {
    /// Turns origin tracking on for loop `lp` (saving the depth set before) or back off.
    pub fn set_coroutine_origin_tracking(&mut self, lp: &ObjRef, enabled: bool) {
        let depth = self.coro_origin_depth;
        let Some(st) = self.aio.state(lp) else { return };
        if st.origin_tracking == enabled {
            return;
        }
        st.origin_tracking = enabled;
        self.coro_origin_depth = if enabled {
            st.origin_saved_depth = depth;
            DEBUG_STACK_DEPTH
        } else {
            st.origin_saved_depth
        };
    }
}
