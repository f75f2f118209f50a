"""Fannkuch-redux: flip the front of every permutation of 1..n like a stack of pancakes.

For each permutation of ``range(n)`` (in the benchmark's own order), count how many prefix
reversals it takes until 0 comes first. The result is a checksum over all permutations (flip
counts with alternating signs) and the largest flip count.
"""


def fannkuch(n):
    """Flip counts over all n! permutations of ``range(n)``.

    Args:
        n: int >= 1, the permutation length (n = 7 gives (228, 16); n = 9 takes about a second).

    Returns:
        (checksum, max_flips): two ints; the checksum adds the flip count of every
        even-numbered permutation and subtracts that of every odd-numbered one.
    """
    perm1 = list(range(n))
    count = [0] * n
    checksum = 0
    max_flips = 0
    index = 0
    r = n
    while True:
        while r != 1:
            count[r - 1] = r
            r -= 1
        perm = perm1[:]
        flips = 0
        first = perm[0]
        while first != 0:
            perm[:first + 1] = perm[first::-1]
            flips += 1
            first = perm[0]
        if flips > max_flips:
            max_flips = flips
        if index % 2 == 0:
            checksum += flips
        else:
            checksum -= flips
        # the next permutation: rotate the first r + 1 elements until a counter is left
        while True:
            if r == n:
                return checksum, max_flips
            head = perm1[0]
            for i in range(r):
                perm1[i] = perm1[i + 1]
            perm1[r] = head
            count[r] -= 1
            if count[r] > 0:
                break
            r += 1
        index += 1
