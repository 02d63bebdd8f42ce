from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from .models import Event, Registration, Workshop


class EventListView(ListView):
    template_name = "events/event_list.html"

    def get_queryset(self):
        return Event.objects.published().upcoming().select_related("pole", "commune")


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"

    def get_queryset(self):
        return Event.objects.published().select_related("pole", "commune", "workshop")


class WorkshopDetailView(DetailView):
    template_name = "events/workshop_detail.html"
    queryset = Workshop.objects.select_related("pole")


class RegistrationView(TemplateView):
    template_name = "events/registration_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registration"] = get_object_or_404(
            Registration.objects.select_related("event"), token=kwargs["token"]
        )
        return context
