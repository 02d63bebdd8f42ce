from django.views.generic import DetailView, ListView

from .models import Pole


class PoleListView(ListView):
    model = Pole
    template_name = "poles/pole_list.html"


class PoleDetailView(DetailView):
    model = Pole
    template_name = "poles/pole_detail.html"
