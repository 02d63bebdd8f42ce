from ess_portal.geo import convex_hull, hull_outline, normalize_outline, point_in_outline


def test_the_hull_keeps_the_corners_and_drops_inner_duplicate_and_collinear_points():
    points = [(0, 0), (1, 0), (2, 0), (1, 1), (0, 2), (2, 2), (1, 2), (0.5, 0.5), (2, 2), (0, 1)]

    assert convex_hull(points) == [(0, 0), (2, 0), (2, 2), (0, 2)]


def test_fewer_than_three_distinct_points_have_no_area():
    assert convex_hull([(1, 1), (1, 1)]) == [(1, 1)]
    assert hull_outline([(0, 0), (1, 1), (2, 2)]) is None
    assert hull_outline([]) is None


def test_the_hull_outline_is_a_valid_closed_multipolygon_around_the_points():
    points = [(-2.08, 47.65), (-2.30, 47.70), (-1.95, 47.80), (-2.10, 47.55), (-2.05, 47.68)]

    outline = hull_outline(points)

    assert outline["type"] == "MultiPolygon"
    ring = outline["coordinates"][0][0]
    assert ring[0] == ring[-1] and len(ring) == 4  # a triangle: the two other points are inside
    assert normalize_outline(outline) == outline
    assert point_in_outline(-2.08, 47.68, outline)
    assert not point_in_outline(-1.5, 47.68, outline)
