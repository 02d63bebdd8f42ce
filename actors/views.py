from django.views.generic import DetailView, ListView

from .models import Actor


class ActorListView(ListView):
    template_name = "actors/actor_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Actor.objects.published().select_related("commune", "pole")


class ActorDetailView(DetailView):
    template_name = "actors/actor_detail.html"

    def get_queryset(self):
        return Actor.objects.published().select_related("commune", "pole")


def actors_geojson(request):
    """Published organisations as an RFC 7946 FeatureCollection (position: own point, else the commune's)."""
    from django.http import JsonResponse

    features = []
    rows = (
        Actor.objects.published()
        .with_map_position()
        .filter(map_latitude__isnull=False)
        .values("name", "slug", "latitude", "map_latitude", "map_longitude", "commune__name")
    )
    for row in rows:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["map_longitude"], row["map_latitude"]]},
                "properties": {
                    "name": row["name"],
                    "url": f"/acteurs/{row['slug']}/",
                    "commune": row["commune__name"],
                    "approximate": row["latitude"] is None,
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})
