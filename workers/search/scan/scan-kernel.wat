;; Exact top-K inner-product scan over int8 vectors with per-vector scales.
;;
;; Compiled at build time by wabt (vite-plugin-wat.ts, SIMD enabled); int8-scan.ts
;; imports the bytes as './scan-kernel.wat?wasm-bytes'. Layout and calling convention
;; are owned by int8-scan.ts:
;;   $vectors: n rows × $dim int8 values, row-major; $dim is a multiple of 16 (rows are
;;             zero-padded) so the inner loop needs no scalar tail.
;;   $query:   $dim int16 values (zero-padded), 16-byte aligned.
;;   $scales:  n f32 per-vector scales.
;;   $heap:    room for $k entries of 8 bytes: f32 score, i32 row. A min-heap whose root
;;             is the worst kept hit, ordered by (score, then later row is worse), so the
;;             kept set is the first K rows in (score desc, row asc) order.
;;   $stats:   receives the f64 sum of the scores of every scanned (non-excluded) row.
;; The score of a row is dot(row, query) · scale[row]; the query's own scale is a
;; common positive factor, applied by the caller. Dot products stay exact in i32 as long
;; as 128 · max|query| · dim < 2^31, which the caller guarantees when quantising.
;;   $list:    0 to scan rows 0..n-1; else the offset of n i32 row numbers, ascending, to
;;             scan only those (a prefilter's candidates; $stats then sums only them).
;; Returns the number of heap entries (min(k, rows scanned)).
(module
  (memory (import "env" "memory") 1)
  (func $search (export "search")
    (param $query i32) (param $vectors i32) (param $scales i32) (param $n i32)
    (param $dim i32) (param $k i32) (param $heap i32) (param $exclude i32) (param $stats i32)
    (param $list i32)
    (result i32)
    (local $next i32) (local $row i32) (local $p i32) (local $rowEnd i32) (local $q i32)
    (local $acc v128) (local $v v128) (local $dot i32) (local $s f32) (local $sum f64)
    (local $size i32) (local $i i32) (local $parent i32) (local $child i32)
    (local $at i32) (local $cs f32) (local $other f32)

    block $done
      loop $rows
        local.get $next
        local.get $n
        i32.ge_u
        br_if $done
        ;; the next row: the next in order, or the list's next entry
        local.get $list
        if (result i32)
          local.get $list
          local.get $next
          i32.const 2
          i32.shl
          i32.add
          i32.load
        else
          local.get $next
        end
        local.tee $row
        local.get $dim
        i32.mul
        local.get $vectors
        i32.add
        local.tee $p
        local.get $dim
        i32.add
        local.set $rowEnd
        block $skip
          local.get $row
          local.get $exclude
          i32.eq
          br_if $skip

          ;; dot product: widen 16 int8 to two i16x8 halves, multiply-add pairs into i32x4
          i32.const 0
          i32x4.splat
          local.set $acc
          local.get $query
          local.set $q
          loop $lanes
            local.get $p
            v128.load
            local.set $v
            local.get $acc
            local.get $v
            i16x8.extend_low_i8x16_s
            local.get $q
            v128.load
            i32x4.dot_i16x8_s
            i32x4.add
            local.get $v
            i16x8.extend_high_i8x16_s
            local.get $q
            v128.load offset=16
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc
            local.get $q
            i32.const 32
            i32.add
            local.set $q
            local.get $p
            i32.const 16
            i32.add
            local.tee $p
            local.get $rowEnd
            i32.lt_u
            br_if $lanes
          end
          local.get $acc
          i32x4.extract_lane 0
          local.get $acc
          i32x4.extract_lane 1
          i32.add
          local.get $acc
          i32x4.extract_lane 2
          i32.add
          local.get $acc
          i32x4.extract_lane 3
          i32.add
          f32.convert_i32_s
          local.get $scales
          local.get $row
          i32.const 2
          i32.shl
          i32.add
          f32.load
          f32.mul
          local.tee $s
          f64.promote_f32
          local.get $sum
          f64.add
          local.set $sum

          local.get $size
          local.get $k
          i32.lt_u
          if
            ;; heap not full: sift the new hit up while it is worse than its parent
            ;; (on equal scores the new, later row is the worse one)
            local.get $size
            local.set $i
            local.get $size
            i32.const 1
            i32.add
            local.set $size
            block $placed
              loop $up
                local.get $i
                i32.eqz
                br_if $placed
                local.get $i
                i32.const 1
                i32.sub
                i32.const 1
                i32.shr_u
                local.set $parent
                local.get $heap
                local.get $parent
                i32.const 3
                i32.shl
                i32.add
                local.tee $at
                f32.load
                local.get $s
                f32.lt
                br_if $placed
                ;; move the parent down into slot $i
                local.get $heap
                local.get $i
                i32.const 3
                i32.shl
                i32.add
                local.get $at
                f32.load
                f32.store
                local.get $heap
                local.get $i
                i32.const 3
                i32.shl
                i32.add
                local.get $at
                i32.load offset=4
                i32.store offset=4
                local.get $parent
                local.set $i
                br $up
              end
            end
            local.get $heap
            local.get $i
            i32.const 3
            i32.shl
            i32.add
            local.tee $at
            local.get $s
            f32.store
            local.get $at
            local.get $row
            i32.store offset=4
          else
            ;; full: a hit replaces the root only when strictly better (ties keep the earlier row)
            local.get $k
            i32.eqz
            br_if $skip
            local.get $s
            local.get $heap
            f32.load
            f32.gt
            i32.eqz
            br_if $skip
            i32.const 0
            local.set $i
            block $sunk
              loop $down
                local.get $i
                i32.const 1
                i32.shl
                i32.const 1
                i32.add
                local.tee $child
                local.get $size
                i32.ge_u
                br_if $sunk
                ;; pick the worse child: lower score, or equal score and later row
                local.get $heap
                local.get $child
                i32.const 3
                i32.shl
                i32.add
                local.tee $at
                f32.load
                local.set $cs
                block $picked
                  local.get $child
                  i32.const 1
                  i32.add
                  local.get $size
                  i32.ge_u
                  br_if $picked
                  local.get $at
                  f32.load offset=8
                  local.tee $other
                  local.get $cs
                  f32.lt
                  local.get $other
                  local.get $cs
                  f32.eq
                  local.get $at
                  i32.load offset=12
                  local.get $at
                  i32.load offset=4
                  i32.gt_u
                  i32.and
                  i32.or
                  i32.eqz
                  br_if $picked
                  local.get $child
                  i32.const 1
                  i32.add
                  local.set $child
                  local.get $at
                  i32.const 8
                  i32.add
                  local.set $at
                  local.get $other
                  local.set $cs
                end
                ;; the new hit (the latest row) stops above a child it is worse than,
                ;; which includes a tie
                local.get $s
                local.get $cs
                f32.le
                br_if $sunk
                local.get $heap
                local.get $i
                i32.const 3
                i32.shl
                i32.add
                local.get $cs
                f32.store
                local.get $heap
                local.get $i
                i32.const 3
                i32.shl
                i32.add
                local.get $at
                i32.load offset=4
                i32.store offset=4
                local.get $child
                local.set $i
                br $down
              end
            end
            local.get $heap
            local.get $i
            i32.const 3
            i32.shl
            i32.add
            local.tee $at
            local.get $s
            f32.store
            local.get $at
            local.get $row
            i32.store offset=4
          end
        end
        local.get $next
        i32.const 1
        i32.add
        local.set $next
        br $rows
      end
    end
    local.get $stats
    local.get $sum
    f64.store
    local.get $size
  )
)
