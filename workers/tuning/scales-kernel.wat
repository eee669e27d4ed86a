;; Projections of stored vectors for the tuned-score scales (adapter.ts, tunedScales).
;;
;; Compiled at build time by wabt (workers/search/scan/vite-plugin-wat.ts, SIMD enabled);
;; scales-simd.ts imports the bytes as './scales-kernel.wat?wasm-bytes' and owns the layout:
;;   $m:       $rows f32 rows of $dim values ([A; Bᵀ], zero rows pad $rows to a multiple of 4)
;;   $vectors: $n f32 vectors of $dim values; $n is even and $dim a multiple of 4
;;   $out:     per vector, $rows + 1 f32: ‖e‖², then M·e
;; Two vectors per pass: each matrix load serves both, eight f32x4 sums stay in registers.
(module
  (memory (import "env" "memory") 1)
  (func $hsum (param $v v128) (result f32)
    local.get $v
    f32x4.extract_lane 0
    local.get $v
    f32x4.extract_lane 1
    f32.add
    local.get $v
    f32x4.extract_lane 2
    local.get $v
    f32x4.extract_lane 3
    f32.add
    f32.add)
  (func $project (export "project")
    (param $m i32) (param $rows i32) (param $vectors i32) (param $n i32) (param $dim i32)
    (param $out i32)
    (local $i i32) (local $x i32) (local $y i32) (local $ox i32) (local $oy i32)
    (local $row i32) (local $j i32) (local $bytes i32) (local $r0 i32) (local $r1 i32)
    (local $r2 i32) (local $r3 i32) (local $vx v128) (local $vy v128) (local $w v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    local.get $dim
    i32.const 4
    i32.mul
    local.set $bytes
    block $done
      loop $pairs
        local.get $i
        local.get $n
        i32.ge_u
        br_if $done
        ;; x = vectors + i·bytes, y = x + bytes; out rows at ox, oy
        local.get $vectors
        local.get $i
        local.get $bytes
        i32.mul
        i32.add
        local.tee $x
        local.get $bytes
        i32.add
        local.set $y
        local.get $out
        local.get $i
        local.get $rows
        i32.const 1
        i32.add
        i32.mul
        i32.const 4
        i32.mul
        i32.add
        local.tee $ox
        local.get $rows
        i32.const 1
        i32.add
        i32.const 4
        i32.mul
        i32.add
        local.set $oy
        ;; squared norms
        v128.const i32x4 0 0 0 0
        local.tee $a0
        local.set $b0
        i32.const 0
        local.set $j
        loop $norm
          local.get $x
          local.get $j
          i32.add
          v128.load
          local.tee $vx
          local.get $vx
          f32x4.mul
          local.get $a0
          f32x4.add
          local.set $a0
          local.get $y
          local.get $j
          i32.add
          v128.load
          local.tee $vy
          local.get $vy
          f32x4.mul
          local.get $b0
          f32x4.add
          local.set $b0
          local.get $j
          i32.const 16
          i32.add
          local.tee $j
          local.get $bytes
          i32.lt_u
          br_if $norm
        end
        local.get $ox
        local.get $a0
        call $hsum
        f32.store
        local.get $oy
        local.get $b0
        call $hsum
        f32.store
        ;; four matrix rows per pass
        i32.const 0
        local.set $row
        block $rowsDone
          loop $groups
            local.get $row
            local.get $rows
            i32.ge_u
            br_if $rowsDone
            local.get $m
            local.get $row
            local.get $bytes
            i32.mul
            i32.add
            local.tee $r0
            local.get $bytes
            i32.add
            local.tee $r1
            local.get $bytes
            i32.add
            local.tee $r2
            local.get $bytes
            i32.add
            local.set $r3
            v128.const i32x4 0 0 0 0
            local.set $a0
            v128.const i32x4 0 0 0 0
            local.set $a1
            v128.const i32x4 0 0 0 0
            local.set $a2
            v128.const i32x4 0 0 0 0
            local.set $a3
            v128.const i32x4 0 0 0 0
            local.set $b0
            v128.const i32x4 0 0 0 0
            local.set $b1
            v128.const i32x4 0 0 0 0
            local.set $b2
            v128.const i32x4 0 0 0 0
            local.set $b3
            i32.const 0
            local.set $j
            loop $lanes
              local.get $x
              local.get $j
              i32.add
              v128.load
              local.set $vx
              local.get $y
              local.get $j
              i32.add
              v128.load
              local.set $vy
              local.get $r0
              local.get $j
              i32.add
              v128.load
              local.tee $w
              local.get $vx
              f32x4.mul
              local.get $a0
              f32x4.add
              local.set $a0
              local.get $w
              local.get $vy
              f32x4.mul
              local.get $b0
              f32x4.add
              local.set $b0
              local.get $r1
              local.get $j
              i32.add
              v128.load
              local.tee $w
              local.get $vx
              f32x4.mul
              local.get $a1
              f32x4.add
              local.set $a1
              local.get $w
              local.get $vy
              f32x4.mul
              local.get $b1
              f32x4.add
              local.set $b1
              local.get $r2
              local.get $j
              i32.add
              v128.load
              local.tee $w
              local.get $vx
              f32x4.mul
              local.get $a2
              f32x4.add
              local.set $a2
              local.get $w
              local.get $vy
              f32x4.mul
              local.get $b2
              f32x4.add
              local.set $b2
              local.get $r3
              local.get $j
              i32.add
              v128.load
              local.tee $w
              local.get $vx
              f32x4.mul
              local.get $a3
              f32x4.add
              local.set $a3
              local.get $w
              local.get $vy
              f32x4.mul
              local.get $b3
              f32x4.add
              local.set $b3
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
            i32.const 1
            i32.add
            i32.const 4
            i32.mul
            i32.add
            local.get $a0
            call $hsum
            f32.store
            local.get $oy
            local.get $row
            i32.const 1
            i32.add
            i32.const 4
            i32.mul
            i32.add
            local.get $b0
            call $hsum
            f32.store
            local.get $ox
            local.get $row
            i32.const 2
            i32.add
            i32.const 4
            i32.mul
            i32.add
            local.get $a1
            call $hsum
            f32.store
            local.get $oy
            local.get $row
            i32.const 2
            i32.add
            i32.const 4
            i32.mul
            i32.add
            local.get $b1
            call $hsum
            f32.store
            local.get $ox
            local.get $row
            i32.const 3
            i32.add
            i32.const 4
            i32.mul
            i32.add
            local.get $a2
            call $hsum
            f32.store
            local.get $oy
            local.get $row
            i32.const 3
            i32.add
            i32.const 4
            i32.mul
            i32.add
            local.get $b2
            call $hsum
            f32.store
            local.get $ox
            local.get $row
            i32.const 4
            i32.add
            i32.const 4
            i32.mul
            i32.add
            local.get $a3
            call $hsum
            f32.store
            local.get $oy
            local.get $row
            i32.const 4
            i32.add
            i32.const 4
            i32.mul
            i32.add
            local.get $b3
            call $hsum
            f32.store
            local.get $row
            i32.const 4
            i32.add
            local.set $row
            br $groups
          end
        end
        local.get $i
        i32.const 2
        i32.add
        local.set $i
        br $pairs
      end
    end)
)
