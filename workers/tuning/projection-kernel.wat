;; The tuning trainer's two per-image kernels (projection.ts), in float64 SIMD:
;;   project:    M·x and M·y for two image vectors at once (each matrix load serves both)
;;   accumulate: Ḡ[row] += coef[row]·x + coef[rows + row]·y
;; Compiled at build time by wabt (workers/search/scan/vite-plugin-wat.ts, SIMD enabled);
;; projection.ts imports the bytes as './projection-kernel.wat?wasm-bytes' and owns the layout:
;;   M, Ḡ: $rows f64 rows of $dim values; $rows is even and $dim a multiple of 4
;;   x, y: $dim f32 values each (promoted exactly to f64 before use)
;;   out:  $rows f64 per vector; coef: 2·$rows f64
;; Float64 arithmetic, so the trainer's gradient check holds to the same precision as plain JS.
(module
  (memory (import "env" "memory") 1)
  (func $project (export "project")
    (param $m i32) (param $rows i32) (param $x i32) (param $y i32) (param $dim i32)
    (param $ox i32) (param $oy i32)
    (local $row i32) (local $j i32) (local $k i32) (local $r0 i32) (local $r1 i32)
    (local $rowBytes i32) (local $bytes i32)
    (local $v v128) (local $xl v128) (local $xh v128) (local $yl v128) (local $yh v128)
    (local $m0 v128) (local $m1 v128)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    local.get $dim
    i32.const 4
    i32.mul
    local.set $bytes
    local.get $dim
    i32.const 8
    i32.mul
    local.set $rowBytes
    block $done
      loop $rowPairs
        local.get $row
        local.get $rows
        i32.ge_u
        br_if $done
        local.get $m
        local.get $row
        local.get $rowBytes
        i32.mul
        i32.add
        local.tee $r0
        local.get $rowBytes
        i32.add
        local.set $r1
        v128.const i32x4 0 0 0 0
        local.tee $a0
        local.tee $a1
        local.tee $b0
        local.set $b1
        i32.const 0
        local.set $j
        i32.const 0
        local.set $k
        loop $lanes
          local.get $x
          local.get $j
          i32.add
          v128.load
          local.tee $v
          f64x2.promote_low_f32x4
          local.set $xl
          local.get $v
          local.get $v
          i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
          f64x2.promote_low_f32x4
          local.set $xh
          local.get $y
          local.get $j
          i32.add
          v128.load
          local.tee $v
          f64x2.promote_low_f32x4
          local.set $yl
          local.get $v
          local.get $v
          i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
          f64x2.promote_low_f32x4
          local.set $yh
          local.get $r0
          local.get $k
          i32.add
          v128.load
          local.set $m0
          local.get $r0
          local.get $k
          i32.add
          v128.load offset=16
          local.set $m1
          local.get $a0
          local.get $m0
          local.get $xl
          f64x2.mul
          f64x2.add
          local.get $m1
          local.get $xh
          f64x2.mul
          f64x2.add
          local.set $a0
          local.get $b0
          local.get $m0
          local.get $yl
          f64x2.mul
          f64x2.add
          local.get $m1
          local.get $yh
          f64x2.mul
          f64x2.add
          local.set $b0
          local.get $r1
          local.get $k
          i32.add
          v128.load
          local.set $m0
          local.get $r1
          local.get $k
          i32.add
          v128.load offset=16
          local.set $m1
          local.get $a1
          local.get $m0
          local.get $xl
          f64x2.mul
          f64x2.add
          local.get $m1
          local.get $xh
          f64x2.mul
          f64x2.add
          local.set $a1
          local.get $b1
          local.get $m0
          local.get $yl
          f64x2.mul
          f64x2.add
          local.get $m1
          local.get $yh
          f64x2.mul
          f64x2.add
          local.set $b1
          local.get $k
          i32.const 32
          i32.add
          local.set $k
          local.get $j
          i32.const 16
          i32.add
          local.tee $j
          local.get $bytes
          i32.lt_u
          br_if $lanes
        end
        local.get $ox
        local.get $row
        i32.const 0
        i32.add
        i32.const 8
        i32.mul
        i32.add
        local.get $a0
        f64x2.extract_lane 0
        local.get $a0
        f64x2.extract_lane 1
        f64.add
        f64.store
        local.get $oy
        local.get $row
        i32.const 0
        i32.add
        i32.const 8
        i32.mul
        i32.add
        local.get $b0
        f64x2.extract_lane 0
        local.get $b0
        f64x2.extract_lane 1
        f64.add
        f64.store
        local.get $ox
        local.get $row
        i32.const 1
        i32.add
        i32.const 8
        i32.mul
        i32.add
        local.get $a1
        f64x2.extract_lane 0
        local.get $a1
        f64x2.extract_lane 1
        f64.add
        f64.store
        local.get $oy
        local.get $row
        i32.const 1
        i32.add
        i32.const 8
        i32.mul
        i32.add
        local.get $b1
        f64x2.extract_lane 0
        local.get $b1
        f64x2.extract_lane 1
        f64.add
        f64.store
        local.get $row
        i32.const 2
        i32.add
        local.set $row
        br $rowPairs
      end
    end)
  (func $accumulate (export "accumulate")
    (param $g i32) (param $rows i32) (param $coef i32) (param $x i32) (param $y i32)
    (param $dim i32)
    (local $row i32) (local $j i32) (local $k i32) (local $gr i32) (local $bytes i32)
    (local $c v128) (local $d v128)
    (local $v v128) (local $xl v128) (local $xh v128) (local $yl v128) (local $yh v128)
    local.get $dim
    i32.const 4
    i32.mul
    local.set $bytes
    block $done
      loop $rowLoop
        local.get $row
        local.get $rows
        i32.ge_u
        br_if $done
        local.get $coef
        local.get $row
        i32.const 8
        i32.mul
        i32.add
        f64.load
        f64x2.splat
        local.set $c
        local.get $coef
        local.get $row
        local.get $rows
        i32.add
        i32.const 8
        i32.mul
        i32.add
        f64.load
        f64x2.splat
        local.set $d
        local.get $g
        local.get $row
        local.get $dim
        i32.const 8
        i32.mul
        i32.mul
        i32.add
        local.set $gr
        i32.const 0
        local.set $j
        i32.const 0
        local.set $k
        loop $lanes
          local.get $x
          local.get $j
          i32.add
          v128.load
          local.tee $v
          f64x2.promote_low_f32x4
          local.set $xl
          local.get $v
          local.get $v
          i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
          f64x2.promote_low_f32x4
          local.set $xh
          local.get $y
          local.get $j
          i32.add
          v128.load
          local.tee $v
          f64x2.promote_low_f32x4
          local.set $yl
          local.get $v
          local.get $v
          i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
          f64x2.promote_low_f32x4
          local.set $yh
          local.get $gr
          local.get $k
          i32.add
          local.get $gr
          local.get $k
          i32.add
          v128.load offset=0
          local.get $c
          local.get $xl
          f64x2.mul
          f64x2.add
          local.get $d
          local.get $yl
          f64x2.mul
          f64x2.add
          v128.store offset=0
          local.get $gr
          local.get $k
          i32.add
          local.get $gr
          local.get $k
          i32.add
          v128.load offset=16
          local.get $c
          local.get $xh
          f64x2.mul
          f64x2.add
          local.get $d
          local.get $yh
          f64x2.mul
          f64x2.add
          v128.store offset=16
          local.get $k
          i32.const 32
          i32.add
          local.set $k
          local.get $j
          i32.const 16
          i32.add
          local.tee $j
          local.get $bytes
          i32.lt_u
          br_if $lanes
        end
        local.get $row
        i32.const 1
        i32.add
        local.set $row
        br $rowLoop
      end
    end)
)
