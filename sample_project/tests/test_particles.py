import pytest

from sample.particles import Particle, Simulation, make_simulation


def test_particle_move_and_energy():
    p = Particle(1.0, 2.0, 0.5, -1.0, 2.0)
    p.move(2.0)
    assert (p.x, p.y) == (2.0, 0.0)
    assert p.kinetic_energy() == 0.5 * 2.0 * (0.25 + 1.0)


def test_wall_bounce_without_pull():
    sim = Simulation([Particle(9.5, 0.5, 1.0, -1.0, 1.0)], size=10.0, pull=0.0)
    sim.step(1.0)
    p = sim.particles[0]
    assert (p.x, p.y) == (9.5, 0.5)
    assert (p.vx, p.vy) == (-1.0, 1.0)
    assert sim.time == 1.0


def test_pull_towards_centre():
    sim = Simulation([Particle(60.0, 50.0, 0.0, 0.0, 1.0)], size=100.0, pull=0.01)
    sim.step(1.0)
    p = sim.particles[0]
    assert p.vx == pytest.approx(-0.1)
    assert p.x == pytest.approx(59.9)
    assert p.vy == 0.0 and p.y == 50.0


def test_energies():
    sim = Simulation([Particle(60.0, 50.0, 1.0, 0.0, 2.0)], size=100.0, pull=0.01)
    assert sim.kinetic_energy() == pytest.approx(1.0)
    assert sim.potential_energy() == pytest.approx(0.5 * 0.01 * 2.0 * 100.0)
    assert sim.total_energy() == pytest.approx(2.0)
    assert sim.centre_of_mass() == (60.0, 50.0)


def test_make_simulation_deterministic():
    a = make_simulation(200, seed=5)
    b = make_simulation(200, seed=5)
    assert [(p.x, p.y, p.vx, p.vy, p.mass) for p in a.particles] == \
           [(p.x, p.y, p.vx, p.vy, p.mass) for p in b.particles]
    assert a.run(300, 0.1) == b.run(300, 0.1)
    first = make_simulation(3, seed=0).particles[0]
    assert (first.x, first.y) == pytest.approx((84.4421851525048, 75.79544029403024))
    for p in a.particles:
        assert 0.0 <= p.x <= 100.0 and 0.0 <= p.y <= 100.0
        assert 0.5 <= p.mass <= 2.0


def test_run_value_and_energy_roughly_conserved():
    sim = make_simulation(50, seed=3)
    before = sim.total_energy()
    after = sim.run(200, 0.1)
    assert after == pytest.approx(629.4616923408028, rel=1e-9)
    assert after == pytest.approx(before, rel=0.01)
    assert sim.time == pytest.approx(20.0)


def test_integer_inputs_work():
    # plain Python semantics: ints are fine anywhere a float is expected
    sim = Simulation([Particle(1, 2, 1, 1, 1)], size=10, pull=0)
    sim.run(3, 1)
    p = sim.particles[0]
    assert (p.x, p.y) == (4, 5)


def test_a_long_run_keeps_every_particle_in_the_box_and_the_energy_bounded():
    sim = make_simulation(1500, seed=11)
    start = sim.total_energy()
    sim.run(1000, 0.1)
    assert all(0.0 <= p.x <= sim.size and 0.0 <= p.y <= sim.size for p in sim.particles)
    assert abs(sim.total_energy() - start) < 0.01 * start  # measured: -0.42%
    assert sim.time == pytest.approx(100.0)
