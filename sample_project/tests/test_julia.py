import pytest

from sample.julia import calc_pure_python, calculate_z_serial_purepython, julia_checksum, make_grid


def test_kernel_hand_checked_points():
    # z=0, c=0 never escapes; |3| >= 2 escapes at once; 1.5 -> 2.25 escapes after one step;
    # 1j, c=0 stays on the unit circle.
    zs = [0j, 3 + 0j, 1.5 + 0j, 1j]
    cs = [0j, 0j, 0j, 0j]
    assert calculate_z_serial_purepython(20, zs, cs) == [20, 0, 1, 20]


def test_kernel_escape_after_two_steps():
    # c = 1: 0 -> 1 -> 2, and |2| is not < 2
    assert calculate_z_serial_purepython(50, [0j], [1 + 0j]) == [2]


def test_kernel_maxiter_zero_and_empty():
    assert calculate_z_serial_purepython(0, [0j, 5j], [0j, 0j]) == [0, 0]
    assert calculate_z_serial_purepython(10, [], []) == []


def test_kernel_accepts_other_numbers_and_sequences():
    # plain Python semantics: ints and floats work, and so do tuples
    assert calculate_z_serial_purepython(7, [0, 3, 1.5], [0, 0, 0.0]) == [7, 0, 1]
    assert calculate_z_serial_purepython(7, (0j, 3j), (0j, 0j)) == [7, 0]


def test_grid_shape():
    zs, cs = make_grid(100)
    assert len(zs) == len(cs) == 100 * 100
    assert zs[0] == complex(-1.8, 1.8)
    assert all(c == complex(-0.62772, -0.42193) for c in cs)


def test_small_checksums():
    assert julia_checksum(100, 50) == 78990
    assert julia_checksum(200, 100) == 524490
    output = calc_pure_python(100, 50)
    assert len(output) == 10000
    assert max(output) == 50 and min(output) >= 0


@pytest.mark.slow
def test_book_checksum_1000x300():
    # The value asserted in "High Performance Python"; 4-10 s under pure CPython, so it runs
    # only with --runslow (the compiled install runs it in a tenth of a second).
    assert julia_checksum(1000, 300) == 33219980
