"""Coverage of the `tilelang.language` surface (every public name of `T` in tilelang 0.1.15):
for each name, whether the TT backend supports it and how it maps to Tensix, or the
`CompileError` it gets. The table in docs/compiler.md is rendered from `ENTRIES`
(`python -m compiler.frontend.coverage` prints it); tests/compiler/test_coverage.py fails when a
public name of `T` is in no entry, when the doc table differs from the rendering, or when a
probe kernel using a name gets another outcome than its entry says.

`<...>` in a message stands for what varies with the kernel: `<op>` the TIR operator, `<expr>`
the expression, `<buffer>` and `<dtype>` as declared; every message ends with the TileLang
source line and the TIR statement, ` (at file.py:LINE, TIR `...`)`, when TileLang recorded it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from compiler.dtypes import REFUSED

Status = Literal["supported", "rejected", "not a construct"]
LANES = (2, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class Entry:
    status: Status
    names: tuple[str, ...]
    # supported: how it maps; rejected: the CompileError message; not a construct: what it is
    how: str


def _with_lanes(*bases: str) -> tuple[str, ...]:
    """A dtype name and its vector-lane variants (`float16`, `float16x2`, ... `float16x64`)."""
    return tuple(n for b in bases for n in (b, *(f"{b}x{lanes}" for lanes in LANES)))


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _refused_dtype(advice: str) -> str:
    """The dtype message with `advice`; vector-lane variants of the dtype get the generic one."""
    generic = DTYPE_MESSAGE.format(advice=OTHER_DTYPE)
    return f"{DTYPE_MESSAGE.format(advice=advice)} (vector-lane variants: {generic})"


EXPR_MESSAGE = "`<op>: element-wise expression <expr> has no Tensix tile operation`"
TILEOP_MESSAGE = "`<op>: tile operation not supported by the TT backend`"
SCOPE_MESSAGE = (
    "`alloc: <buffer>: memory scope <scope> not supported; use T.alloc_shared or T.alloc_fragment`"
)
DTYPE_MESSAGE = "`dtype: T.Tensor <buffer> has dtype <dtype>; {advice}`"
INT_ADVICE = REFUSED["int32"]
MASK_ADVICE = REFUSED["bool"]
FP8_ADVICE = REFUSED["float8_e4m3fn"]
OTHER_DTYPE = "supported: bfloat16, float16, float32"

ENTRIES: tuple[Entry, ...] = (
    # -- supported --------------------------------------------------------------------------
    Entry(
        "supported",
        ("prim_func",),
        "the PrimFunc the frontend reads (also `@tilelang.jit` builders, through `get_tir`)",
    ),
    Entry(
        "supported",
        ("Kernel",),
        "the grid, of one to three dims (`bx` fastest; a coordinate divided by a constant, `by // heads`, is a coordinate of its own): blocks scheduled on cores in contiguous ranges, one persistent loop per core; several `T.Kernel` scopes in one PrimFunc are several launches run in order on the same tensors (`compiler.compile` returns `Launches`); `threads=` is ignored: a block is one core's work",
    ),
    Entry(
        "supported",
        _names("Tensor Buffer StridedTensor"),
        "a kernel parameter: a DRAM-interleaved tensor of 32×32 tiles, zero-padded at ragged edges, of any rank (1-D: a row or column of tiles; N-D: two dims tiled, the others index 2-D panels stored one after the other, the host permuting dims by the plan's `dim_order`; strides are the host's business: it tilizes the logical tensor)",
    ),
    Entry(
        "supported",
        _names("handle match_buffer ptr Ptr make_tensor"),
        "a `T.handle` bound with `T.match_buffer`, or a `T.ptr` wrapped by `T.make_tensor`: a tensor parameter like `T.Tensor`",
    ),
    Entry(
        "supported",
        ("ClusterKernel",),
        "as `T.Kernel` (`cluster_dims` is ignored; cluster-only copies are rejected, see `T.copy_cluster`)",
    ),
    Entry(
        "supported",
        ("alloc_shared",),
        "a circular buffer filled by the reader kernel (depth `num_stages` of the enclosing `T.Pipelined`); of rank ≥ 3, its panels stacked along the rows in one CB",
    ),
    Entry(
        "supported",
        ("alloc_fragment",),
        "a circular buffer owned by the compute kernel (of rank ≥ 3, its panels stacked along the rows)",
    ),
    Entry(
        "supported",
        _names("alloc_var alloc_local"),
        "a scalar slot assigned one compile-time constant (`v = 1.0 / N`), folded into the expressions that read it; a value known only at run time, or a second assignment, is `T.alloc_var: <buffer> is assigned <value>, a value known only at run time; Tensix compute has no per-thread scalar registers: keep per-row state in a T.alloc_fragment vector, or assign a compile-time constant`, a second, different constant `T.alloc_var: <buffer>[<i>] is assigned twice (<a>, then <b>); a scalar is folded as a constant, so assign it once`",
    ),
    Entry(
        "supported",
        ("copy",),
        "global → shared/fragment: reader NOC tile reads; shared/fragment → global: pack + writer NOC tile writes; offsets and extents along the tiled dims multiples of 32 (other dims select panels)",
    ),
    Entry(
        "supported",
        ("fill",),
        "`fill_tile` of a constant (`T.max_value`/`T.min_value` fold to constants; 0 drops the accumulator like `T.clear`)",
    ),
    Entry(
        "supported",
        ("clear",),
        "drops the accumulator's value: the next `T.gemm`/reduction starts from zero, other readers see a `fill_tile` of 0",
    ),
    Entry(
        "supported",
        ("gemm",),
        "`matmul_tiles` over the block's tiles, accumulating in DST (`transpose_B` → `matmul_init(..., 1)`; `transpose_A` is a CompileError)",
    ),
    Entry(
        "supported",
        _names("reduce_sum reduce_max"),
        "`reduce_tile<SUM|MAX, REDUCE_ROW|REDUCE_COL>` with a scaler tile of 1.0",
    ),
    Entry(
        "supported",
        ("Parallel",),
        "an element-wise block (see *Element-wise vocabulary*): FPU `add/sub/mul_tiles` (and broadcasts) or SFPU ops on DST; `/` → `div_binary_tile`, comparisons → `lt/le/gt/ge/eq/ne_binary_tile` (1.0 / 0.0); a nest of any rank over whole stacked buffers",
    ),
    Entry(
        "supported",
        ("Pipelined",),
        "a loop over K blocks; `num_stages` is the depth of the CBs the reader fills inside it",
    ),
    Entry(
        "supported",
        _names("serial Serial unroll Unroll grid"),
        "a plain loop in the kernels that hold work inside it",
    ),
    Entry(
        "supported",
        ("cast",),
        "`typecast_tile<IN, OUT>` between bfloat16 and float32; to or from float16, the packer's conversion (only as the whole stored value; elsewhere a CompileError)",
    ),
    Entry(
        "supported",
        _names(
            "exp exp2 sqrt rsqrt sigmoid tanh log log2 log10 log1p erf sin cos floor ceil trunc nearbyint isnan isinf abs fabs"
        ),
        "SFPU `<op>_tile` on DST (`abs`/`fabs` → `abs_tile`; `log2`, `log10` → `log_with_base_tile(i, bits(1/ln 2))`, `bits(1/ln 10)`; `nearbyint` → `round_tile(i, 0)`, half to even; `isnan`/`isinf` give 1.0 / 0.0, of float32 only: TVM raises `InternalError: Data type bfloat16 not supported for finiteness ops`)",
    ),
    Entry(
        "supported",
        _names("fast_rcp ieee_frcp ieee_frsqrt ieee_fsqrt"),
        "`recip_tile`, `rsqrt_tile`, `sqrt_tile`; a rounding mode other than 'rn' is `<op>: rounding mode <mode>: the SFPU rounds to nearest (use 'rn')`",
    ),
    Entry(
        "supported",
        _names("max min clamp"),
        "`binary_max/min_tile` of two operands, `unary_max/min_tile(i, bits(c))` with a constant; `T.max(x, 0)` → `relu_tile`; `T.clamp(x, lo, hi)` → max then min",
    ),
    Entry(
        "supported",
        ("pow",),
        "only `T.pow(x, n)` for a compile-time integer n → `power_iterative_tile(i, abs(n))` (then `recip_tile` for n < 0); any other exponent is `tirx.pow: exponent <expr> must be a compile-time integer (power_iterative_tile)`",
    ),
    Entry(
        "supported",
        _names("if_then_else Select"),
        "a select → `where_tile<DataFormat::Float16_b / Float32>(cond, a, b)`; a condition on indices only (`bx * block_M + i >= k * block_N + j`) is an index mask the reader writes as 1.0 / 0.0 tiles; in an im2col-style gather store `x[i, j] = T.if_then_else(cond, G[...], 0)`, reader NOC reads or zeros",
    ),
    Entry(
        "supported",
        _names("ceildiv cdiv max_value min_value infinity"),
        "folded to constants at build time (grid extents, fill values, `-T.infinity(dtype)` → `fill_tile(i, -__builtin_inff())`, element-wise constants)",
    ),
    Entry(
        "supported",
        ("float32", "float"),
        "dtype → `Float32` tiles (4096 B; fp32 DST accumulation when declared anywhere); `T.float32(x)` a constant",
    ),
    Entry("supported", ("bfloat16",), "dtype → `Float16_b` tiles (2048 B)"),
    Entry(
        "supported",
        ("float16", "half"),
        "dtype → `Float16` tiles (2048 B, IEEE half, round to nearest even); a 16-bit DST fed from Float16 holds Float16",
    ),
    Entry(
        "supported",
        _names(
            "use_swizzle annotate_layout annotate_safe_value annotate_restrict_buffers annotate_l2_hit_ratio evaluate"
        ),
        "accepted and ignored: GPU scheduling and layout hints (the TT layout is tiles, the schedule our own)",
    ),
    # -- rejected: element-wise math without a Tensix tile op (today) --------------------------
    Entry(
        "rejected",
        _names(
            "acos acosh asin asinh atan atanh atan2 round cosh sinh tan exp10 isfinite copysign fmod hypot ldexp nextafter fma fmul reinterpret ieee_add ieee_sub ieee_mul ieee_fdiv ieee_fmaf likely"
        ),
        EXPR_MESSAGE
        + " (`<op>` e.g. `tirx.atan`, `tirx.round`, `tl.fma`; `T.round` is C's `roundf`, halves away from zero: `T.nearbyint` is half to even; `T.reinterpret` to the same dtype is a no-op)",
    ),
    Entry("rejected", _names("any_of all_of"), EXPR_MESSAGE),
    Entry(
        "rejected",
        _names("abs2 add2 sub2 mul2 max2 min2 fma2"),
        "TileLang's builder refuses scalar operands (`Expected dtype in ['bfloat16x2', 'float16x2', 'float32x2']`); on x2 vectors the dtype is rejected: "
        + DTYPE_MESSAGE.format(advice=OTHER_DTYPE),
    ),
    Entry(
        "rejected",
        _names(
            "floordiv floormod truncdiv truncmod shift_left shift_right bitwise_and bitwise_or bitwise_xor bitwise_not clz popcount"
        ),
        "integer operations: on tensor values the dtype is rejected ("
        + DTYPE_MESSAGE.format(advice="integer tensors and buffers are not supported yet: …")
        + "); in an index, constants fold, and a non-affine index makes the read a gather, which must be an im2col-style store into a local buffer, provably contiguous per 32 columns, else `T.Parallel: a gather must store <buffer>[i, j] from a tensor` (or the gather's contiguity error); a grid coordinate divided by a constant (`by // heads`, `by % heads`) is supported as a coordinate of its own",
    ),
    # -- rejected: tile operations without a mapping (today) -----------------------------------
    Entry(
        "rejected",
        _names(
            "atomic_add atomic_addx2 atomic_addx4 atomic_max atomic_min atomic_or atomic_store atomic_load transpose cumsum cummax async_copy tma_copy tma_gather4 tma_scatter4 c2d_im2col im2col finalize_reducer wgmma_gemm wgmma_mma tcgen05_gemm tcgen05_mma tcgen05_gemm_blockscaled tcgen05_mma_blockscaled tcgen05_gemm_sp wgmma_gemm_sp gemm_sp gemm_blockscaled mma_gemm_blockscaled dp4a"
        ),
        TILEOP_MESSAGE
        + " (`<op>` e.g. `tl.tileop.atomicadd`, `tl.tileop.transpose`, `tl.tileop.cumsum`)",
    ),
    Entry(
        "rejected",
        ("copy_cluster",),
        "`T.copy_cluster: a copy into another block's shared memory (dst_block) has no mapping: each Tensix core's L1 is its own; copy through a global tensor instead` (without `dst_block` it is a plain `T.copy`)",
    ),
    Entry(
        "rejected",
        _names("reshape view"),
        "`region: <buffer> is neither a kernel parameter nor a T.alloc_shared/T.alloc_fragment buffer (T.reshape and T.view aliases have no mapping); copy the data instead`",
    ),
    Entry(
        "rejected",
        _names(
            "reduce reduce_min reduce_abssum reduce_absmax reduce_bitand reduce_bitor reduce_bitxor"
        ),
        "`T.reduce: reduction '<kind>' has no Tensix reduce_tile (supported: sum, max)`",
    ),
    Entry(
        "rejected",
        _names(
            "alloc_reducer alloc_global alloc_tmem alloc_barrier alloc_cluster_barrier alloc_descriptor alloc_wgmma_desc alloc_tcgen05_smem_desc alloc_tcgen05_instr_desc alloc_tcgen05_instruction_desc"
        ),
        SCOPE_MESSAGE
        + " (`local.reducer`, `global`, `shared.tmem`, `shared.barrier`, `local.descriptor.*`)",
    ),
    Entry(
        "rejected",
        _names("alloc_buffer decl_buffer allocate sblock_alloc_buffer"),
        "`AllocBuffer: statement not supported by the TT backend`",
    ),
    Entry("rejected", _names("vectorized Vectorized"), "`for: loop kind 2 not supported`"),
    Entry(
        "rejected",
        _names("annotate_min_blocks_per_sm attr"),
        "`AttrStmt: statement not supported by the TT backend`",
    ),
    # -- rejected: GPU thread, warp, barrier and memory intrinsics -----------------------------
    Entry(
        "rejected",
        _names(
            "sync_threads sync_warp sync_grid fence_proxy_async ptx_commit_group ptx_wait_group "
            "ptx_arrive_barrier ptx_arrive_barrier_expect_tx ptx_arrive_cluster_barrier ptx_cp_async "
            "ptx_cp_async_barrier ptx_cp_async_bulk ptx_fence_barrier_init ptx_init_barrier_thread_count "
            "ptx_ldmatrix ptx_mma ptx_mma_block_scale ptx_mma_sm70 ptx_mma_sp ptx_tcgen05_mma_blockscaled_ss "
            "ptx_tcgen05_mma_ss ptx_tcgen05_mma_ts ptx_wait_barrier ptx_wgmma_rs ptx_wgmma_sp_rs "
            "ptx_wgmma_sp_ss ptx_wgmma_ss tvm_storage_sync barrier_arrive barrier_wait "
            "cp_async_barrier_noinc create_barriers mbarrier_arrive mbarrier_arrive_expect_tx "
            "mbarrier_expect_tx mbarrier_wait_parity named_barrier_arrive cluster_arrive "
            "cluster_arrive_relaxed cluster_sync cluster_wait warpgroup_arrive warpgroup_commit_batch "
            "warpgroup_fence_operand warpgroup_wait wait_wgmma tma_load tma_load_2sm tma_store_arrive "
            "tma_store_wait create_tma_descriptor tcgen05_after_thread_sync tcgen05_before_thread_sync "
            "tcgen05_cp_warpx4 tcgen05_mma_arrive tcgen05_sf_warp_transpose deallocate_tmem "
            "initialize_tcgen05_descriptor initialize_wgmma_descriptor increase_descriptor_offset "
            "set_max_nreg inc_max_nreg dec_max_nreg no_set_max_nreg annotate_producer_reg_dealloc "
            "annotate_consumer_reg_alloc disable_warp_group_reg_alloc pdl_sync pdl_trigger "
            "device_assert loop_break break_loop continue_loop thread_return stg32 stg64 stg128 stg256 "
            "sts32 sts64 sts128 mma_fill mma_store tvm_fill_fragment tvm_load_matrix_sync tvm_mma_sync "
            "tvm_bmma_sync tvm_store_matrix_sync start_profile_intrinsic end_profile_intrinsic "
            "clc_try_cancel clc_try_cancel_multicast rng_init call_extern call_intrin "
            "call_pure_extern call_packed call_cpacked call_packed_lowered call_cpacked_lowered "
            "call_llvm_intrin call_llvm_pure_intrin tvm_call_packed tvm_call_cpacked "
            "tvm_call_packed_lowered tvm_call_cpacked_lowered tvm_throw_last_error assume "
            "ignore_loop_partition anylist_getitem anylist_resetitem anylist_setitem_call_packed "
            "anylist_setitem_call_cpacked TVMBackendAllocWorkspace TVMBackendFreeWorkspace"
        ),
        TILEOP_MESSAGE
        + " as a statement (`<op>` e.g. `tirx.tvm_storage_sync` for `T.sync_threads`, `tl.fence_proxy_async`, `tl.device_assert_with_msg`); in an expression "
        + EXPR_MESSAGE,
    ),
    Entry(
        "rejected",
        _names(
            "get_lane_idx get_warp_idx get_warp_idx_sync get_warp_group_idx shuffle_elect "
            "match_all_sync match_any_sync syncthreads_and syncthreads_count syncthreads_or "
            "rng_rand rng_rand_float ldg32 ldg64 ldg128 ldg256 lds32 lds64 lds128 "
            "block_rank_in_cluster clc_get_first_ctaid_x clc_get_first_ctaid_y clc_get_first_ctaid_z "
            "clc_is_canceled get_cluster_id get_cluster_ids tvm_warp_activemask tvm_warp_shuffle "
            "tvm_warp_shuffle_down tvm_warp_shuffle_up tvm_thread_allreduce tvm_thread_invariant "
            "reducer_init reducer_update access_ptr address_of tvm_access_ptr handle_add_byte_offset "
            "isnullptr q_multiply_shift q_multiply_shift_per_axis vectorcombine vectorhigh vectorlow "
            "extract_lane get_active_lane_mask vscale undef tvm_struct_get tvm_struct_set tvm_stack_alloca "
            "tvm_stack_make_array tvm_stack_make_shape tvm_tuple lookup_param"
        ),
        EXPR_MESSAGE
        + " (`<op>` e.g. `tl.get_lane_idx`, `tl.match_any_sync`, `tl.rng_rand_float`); in an index, the read becomes a gather: `T.Parallel: a gather must store <buffer>[i, j] from a tensor`",
    ),
    Entry(
        "rejected",
        _names(
            "shfl_down shfl_up shfl_xor shfl_sync ballot ballot_sync activemask any_sync all_sync "
            "warp_reduce_sum warp_reduce_max warp_reduce_min warp_reduce_bitand warp_reduce_bitor"
        ),
        "`<op>: warp-level SIMT intrinsics have no Tensix mapping: a core computes whole 32x32 tiles; use T.reduce_* for reductions across a row or column` (`<op>` e.g. `tl.shfl_xor_sync`, `tl.ballot`, `tl.warp_reduce_sum`)",
    ),
    Entry(
        "rejected",
        _names("get_thread_binding get_thread_bindings"),
        "in an expression, `thread index: <var> is a thread index (T.get_thread_binding / threadIdx); a Tensix block is one core's tile work, it has no threads`; in an index, the read becomes a gather: `T.Parallel: a gather must store <buffer>[i, j] from a tensor`",
    ),
    Entry(
        "rejected",
        _names("print"),
        "TileLang's device printf: of a scalar, "
        + TILEOP_MESSAGE
        + " (`tirx.call_extern`); of a buffer, `IfThenElse: statement not supported by the TT backend` (TileLang guards it with `if tx == 0`); inside a `T.Parallel` nest, `Evaluate: only assignments are supported inside T.Parallel`",
    ),
    Entry(
        "rejected",
        _names("dynamic symbolic var const SizeVar"),
        "`tensor shape: must be a compile-time constant, got <var>; build the kernel for concrete shapes (pass them as Python ints to the builder) instead of T.symbolic/T.dynamic`",
    ),
    Entry(
        "rejected",
        _names(
            "Assert While If Then Else Let let launch_thread env_thread thread_binding buffer_store"
        ),
        "`<node>: statement not supported by the TT backend` (`If`/`Then`/`Else` outside a `T.Parallel` nest, `While`, `Assert`, `LetStmt`, `AttrStmt`); inside a nest, a condition other than a bounds guard is `if: condition <cond> is not a bounds check <index < extent> of the stored tensor; other conditional assignments have no tile mapping` (write a select, `T.if_then_else`); for a scalar store `BufferStore: scalar stores outside a T.Parallel nest have no tile mapping`",
    ),
    Entry(
        "rejected",
        ("Persistent",),
        "`T.Persistent` wave loops: `index: index expression <expr> is not affine in loop variables`",
    ),
    Entry(
        "rejected",
        ("parallel",),
        "TVMScript's `T.parallel` loop is read as a `T.Parallel` nest: only assignments inside it (`<node>: only assignments are supported inside T.Parallel`)",
    ),
    Entry(
        "rejected",
        _names("WarpSpecialize ws annotate_ws_schedule annotate_ws_pipeline_depth ws_op"),
        "warp specialisation branches on the thread index: `IfThenElse: statement not supported by the TT backend` (the reader/compute/writer split is the TT form of producer/consumer warps)",
    ),
    Entry(
        "rejected",
        _names("CUDASourceCodeKernel call_kernel import_source"),
        "CUDA source inside a kernel has no Tensix meaning: "
        + TILEOP_MESSAGE
        + " or `<node>: statement not supported by the TT backend` for the statement it makes",
    ),
    # -- dtypes ----------------------------------------------------------------------------------
    Entry(
        "rejected",
        (
            *_with_lanes("int8", "int16", "int32", "int64", "uint16", "uint32", "uint64"),
            "int",
            "long",
            "short",
            "uint",
        ),
        _refused_dtype(INT_ADVICE),
    ),
    Entry(
        "rejected",
        (*_with_lanes("uint8"), "bool", "boolean"),
        _refused_dtype(MASK_ADVICE),
    ),
    Entry(
        "rejected",
        _with_lanes(
            "float8_e4m3fn", "float8_e4m3", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz"
        ),
        _refused_dtype(FP8_ADVICE),
    ),
    Entry(
        "rejected",
        (
            *_with_lanes(
                "float8_e3m4",
                "float8_e4m3b11fnuz",
                "float8_e8m0fnu",
                "float4_e2m1fn",
                "float6_e2m3fn",
                "float6_e3m2fn",
                "float64",
                "tfloat32",
            ),
            *(f"{b}x{n}" for b in ("bfloat16", "float16", "float32") for n in LANES),
            "float4_e2m1_unpacked",
            "double",
            "int4",
            "void",
        ),
        DTYPE_MESSAGE.format(advice=OTHER_DTYPE)
        + " for dtypes no Tensix format holds (vector lanes, fp64, tf32, fp4/fp6); a scalar parameter of any dtype: `prim_func: scalar parameter <name> is not supported; give the value as a Python constant of the kernel builder`",
    ),
    Entry(
        "rejected",
        _names("make_tensor_from_addr buffer buffer_decl buffer_var empty"),
        "buffers at an address or declared without an allocation: `region: <buffer> is neither a kernel parameter nor a T.alloc_shared/T.alloc_fragment buffer (T.reshape and T.view aliases have no mapping); copy the data instead` where a copy uses them; `T.empty` (a host-side output tensor) is not part of a PrimFunc body",
    ),
    # -- not kernel constructs ---------------------------------------------------------------------
    Entry(
        "not a construct",
        _names(
            "annotations atomic builtin common copy_op customize dtypes eager experimental fill_op frame gemm_op kernel logical loop math_intrinsics meta overrides proxy reduce_op scan_op symbolics tile_schedule tir utils warp_specialize"
        ),
        "a submodule of `tilelang.language` (its public names are listed here one by one)",
    ),
    Entry(
        "not a construct",
        _names(
            "Add And Any AnyDType Broadcast BufferLoad Call CallEffectKind Cast CommReducer Div EQ FloatImm FloorDiv FloorMod GE GT IntImm IterVar LE LT Max Min Mod Mul NE Not Or PrimExpr PrimFunc ProducerLoad Ramp Reduce Shuffle StringImm Sub Var broadcast ramp Range"
        ),
        "a TIR node class or type: the frontend reads the TIR these make (element-wise `Add/Sub/Mul/Div`, `Max/Min`, comparisons, `And/Or/Not` of 1.0 / 0.0 conditions, `Cast`, constants), others as the op they appear in",
    ),
    Entry(
        "not a construct",
        _names(
            "Fragment Layout PartialFragment GemmWarpPolicy FragmentBuffer LocalBuffer SharedBuffer KernelLaunchFrame WarpSpecializeFrame BaseTileScheduler PersistentTileScheduler JITFunc Ref WSID WSInstr WSOpRef WSPipeline WSRole WSSchedule WSScope WSSync WSSyncKind TensorCoreIntrinEmitter TensorCoreIntrinEmitterSM120 TensorCoreIntrinEmitterWithLadderTransform SparseTensorCoreIntrinEmitter WGMMATensorCoreIntrinEmitter WGSparseTensorCoreIntrinEmitter TCGEN05TensorCoreIntrinEmitter TCGEN05DescriptorParams WGMMADescriptorParams"
        ),
        "a Python class of TileLang's builder or its GPU code generators (layouts, frames, MMA emitters): no TIR of its own",
    ),
    Entry(
        "not a construct",
        _names(
            "macro inline meta_class meta_var get_let_value has_let_value block_name_suffix_context func_attr func_name func_ret arg type_annotation sblock sblock_attr reads writes where init index_map iter_var axis comm_reducer bind dtype get_tvm_dtype validate_gemm_ab_dtypes is_f8f6f4_family is_float4 is_float4_e2m1fn is_float4_e2m1_unpacked llvm_lookup_intrinsic_id tma_gather4_bytes index_to_coordinates align_up annotate_compile_flags annotate_pass_configs target get_block_binding get_block_bindings get_block_extent get_block_extents get_thread_extent get_thread_extents get_cluster_dims get_cluster_extent get_cluster_extents get_cluster_size compute_gmma_descriptor compute_umma_descriptor get_ldmatrix_offset get_mma_micro_size get_swizzle_layout make_mma_swizzle_layout mma_store_index_map make_blockscaled_gemm_layout ret"
        ),
        "a build-time helper (macros, meta-programming, dtype queries, TVMScript block/function attributes, grid queries that return the block vars or extents the frontend then reads): evaluated while TileLang builds the PrimFunc",
    ),
)


def status_of() -> dict[str, Entry]:
    """name -> its entry (the table's source of truth, one entry per name)."""
    table: dict[str, Entry] = {}
    for entry in ENTRIES:
        for name in entry.names:
            if name in table:
                raise ValueError(f"T.{name} is listed twice in the coverage table")
            table[name] = entry
    return table


def render() -> str:
    """The markdown table of docs/compiler.md: one row per entry, names in `T.` form."""
    rows = ["| status | names | how it maps / the CompileError |", "| --- | --- | --- |"]
    for entry in ENTRIES:
        names = ", ".join(f"`T.{n}`" for n in sorted(entry.names))
        how = entry.how.replace("|", r"\|")  # a bare | would end the table cell
        rows.append(f"| {entry.status} | {names} | {how} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(render(), end="")
